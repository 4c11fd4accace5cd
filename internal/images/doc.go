// Package images turns the image URLs partners give for their products into
// pictures buyers can see, served from our own storage.
//
// Partner URLs are untrusted input that our servers fetch, so fetching is
// the first half of the feature, not an afterthought (Fetcher): only http
// and https; every address a host name resolves to is checked before the
// connection is made, on the first request and on every redirect, and
// loopback, link-local (169.254.169.254, the cloud metadata endpoint,
// among them), private, unique-local and the other special-purpose
// ranges are refused; the address checked is the address dialled, so a
// name that resolves differently the second time cannot slip past; a
// bounded number of redirects, a deadline per fetch, a size cap, a limit
// of concurrent requests per host, and a budget per run.
//
// The second half (Derive) trusts nothing the server says: the bytes must
// be a JPEG, PNG, GIF or WebP by their signature, the pixel count declared
// in the header is capped before anything is decoded (a small file can
// declare a picture that would take gigabytes to hold), and the derived
// sizes (Widths) are re-encoded as JPEG, so no byte of the original is
// ever served.
//
// Storage is content-addressed: the sizes of an original whose SHA-256 is
// H are stored as images/H/{width}.jpg, so two URLs with the same picture
// share them, a changed picture gets new keys, and a CDN may cache them for
// a year. What we learnt about each URL (its ETag and Last-Modified, the
// picture it gave, or why it failed) is kept under imagemeta/, apart from
// the public images/ prefix, so a run asks the server only whether the
// picture changed (a conditional request), and a product that did not
// change is not looked at at all.
//
// Service.Run is one run over a partner's products: the local stack calls
// it in process after each applied catalog, and `catalogctl images` on
// demand; on AWS the images Lambda calls it for each message the ingest
// Lambda sends to the images queue (internal/awslambda/imagesfn).
package images

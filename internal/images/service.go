package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// Blob key prefixes. PicturePrefix is public (a CDN serves it); MetaPrefix
// holds what we know of each partner URL and is never served.
const (
	PicturePrefix = contract.ImagesPrefix
	MetaPrefix    = contract.ImageMetaPrefix
)

// MaxFailures caps the failures a report lists (all are counted).
const MaxFailures = 200

// Deps are what a Service works with.
type Deps struct {
	Store   catalog.Store
	Blobs   catalog.Blobs
	Fetcher *Fetcher
	Logger  *slog.Logger     // nil = discard
	Clock   func() time.Time // nil = time.Now
}

// Options configure one run. Zero values take the defaults.
type Options struct {
	// MaxFetches is the budget of downloads of one run (default 5000);
	// the URLs over it are skipped, left for the next run.
	MaxFetches int
	// MaxBytes is the budget of downloaded bytes of one run (default 2 GiB).
	MaxBytes int64
	// MaxDuration is the budget of time of one run (default 10 minutes).
	MaxDuration time.Duration
	// Workers is how many URLs are worked on at once (default 8); the
	// Fetcher's PerHost limit still holds within them.
	Workers int
	// PerProduct is how many of a product's images are kept (default 8).
	PerProduct int
	// RetryFailedAfter is how long a URL that failed is not asked again
	// (default 24 hours); Refetch ignores it.
	RetryFailedAfter time.Duration
	// Refetch fetches every URL of the partner again, unconditionally, and
	// re-derives its sizes: after a change of Derive, or to repair storage.
	Refetch bool
	Derive  DeriveOptions
}

func (o Options) withDefaults() Options {
	if o.MaxFetches <= 0 {
		o.MaxFetches = 5000
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 2 << 30
	}
	if o.MaxDuration <= 0 {
		o.MaxDuration = 10 * time.Minute
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.PerProduct <= 0 {
		o.PerProduct = 8
	}
	if o.RetryFailedAfter <= 0 {
		o.RetryFailedAfter = 24 * time.Hour
	}
	o.Derive = o.Derive.withDefaults()
	return o
}

// Service fetches partners' product images into storage and sets the
// products' Pictures. Safe for concurrent use, though runs over the same
// partner should not overlap (the ingest queues one at a time).
type Service struct {
	d Deps
}

// New returns a Service over d.
func New(d Deps) *Service {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = time.Now
	}
	return &Service{d: d}
}

// RunCatalog runs Run for the partner of the catalog with id and records
// the report on that catalog (Catalog.Images), where the partner's report
// shows it.
func (s *Service) RunCatalog(ctx context.Context, id string, o Options) (catalog.ImageReport, error) {
	c, err := s.d.Store.GetCatalog(ctx, id)
	if err != nil {
		return catalog.ImageReport{}, err
	}
	rep, err := s.Run(ctx, c.Partner, o)
	if err != nil {
		return rep, err
	}
	// Read again: the catalog record may have moved on while we fetched.
	if c, err = s.d.Store.GetCatalog(ctx, id); err != nil {
		return rep, err
	}
	if rep.Products == 0 && c.Images != nil {
		// Nothing to do (the same catalog sent again, a second queued run):
		// the report of the run that did the work stays the catalog's.
		return rep, nil
	}
	c.Images = &rep
	return rep, s.d.Store.PutCatalog(ctx, c)
}

// record is what we know of one partner URL, under MetaPrefix.
type record struct {
	URL        string           `json:"url"`
	Validators Validators       `json:"validators,omitzero"`
	Picture    *catalog.Picture `json:"picture,omitempty"`
	CheckedAt  time.Time        `json:"checked_at"`
	// A failure: its reason and message.
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

func metaKey(url string) string {
	sum := sha256.Sum256([]byte(url))
	return MetaPrefix + hex.EncodeToString(sum[:]) + ".json"
}

// work is one product whose pictures may change.
type work struct {
	id, hash string
	urls     []string
	old      []catalog.Picture
}

// outcome of one URL.
type outcome struct {
	picture *catalog.Picture
	kind    string // "fetched", "revalidated", "reused", "failed", "skipped"
	reason  string
	message string
}

// Run looks at every product of partner whose pictures do not match its
// image URLs (every product with Refetch), gets each distinct URL once
// within the budget, and writes the products whose pictures changed. A
// product that did not change since the last run costs no request at all.
// The error is for the run as a whole (the store failed); what failed for
// a URL is in the report.
func (s *Service) Run(ctx context.Context, partner string, o Options) (catalog.ImageReport, error) {
	o = o.withDefaults()
	start := s.d.Clock()
	rep := catalog.ImageReport{StartedAt: start.UTC()}
	var todo []work
	firstProduct := map[string]string{} // URL → first product naming it
	var urls []string
	for p, err := range s.d.Store.Products(ctx, partner) {
		if err != nil {
			return rep, err
		}
		want := p.Images[:min(len(p.Images), o.PerProduct)]
		if !o.Refetch && covered(want, p.Pictures) {
			continue
		}
		todo = append(todo, work{id: p.ID, hash: p.Hash, urls: want, old: p.Pictures})
		for _, u := range want {
			if !o.Refetch && slices.ContainsFunc(p.Pictures, func(pic catalog.Picture) bool { return pic.Source == u }) {
				continue // the product shows this one already
			}
			if _, ok := firstProduct[u]; !ok {
				firstProduct[u] = p.ID
				urls = append(urls, u)
			}
		}
	}
	rep.Products, rep.URLs = len(todo), len(urls)

	budgetCtx, cancel := context.WithTimeout(ctx, o.MaxDuration)
	defer cancel()
	st := &runState{content: map[string]*contentSlot{}}
	results := make([]outcome, len(urls))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(o.Workers, len(urls)) {
		wg.Go(func() {
			for i := range next {
				results[i] = s.one(budgetCtx, urls[i], o, st)
			}
		})
	}
	for i := range urls {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return rep, catalog.Wrap(catalog.CodeUnavailable, err, "image run cancelled")
	}

	got := make(map[string]outcome, len(urls))
	for i, u := range urls {
		r := results[i]
		got[u] = r
		switch r.kind {
		case "fetched":
			rep.Fetched++
		case "revalidated":
			rep.Revalidated++
		case "reused":
			rep.Reused++
		case "skipped":
			rep.Skipped++
		default:
			rep.Failed++
			if len(rep.Failures) < MaxFailures {
				rep.Failures = append(rep.Failures, catalog.ImageFailure{
					Product: firstProduct[u], URL: u, Reason: r.reason, Message: r.message})
			}
		}
	}
	if err := s.apply(ctx, todo, got); err != nil {
		return rep, err
	}
	rep.Duration = s.d.Clock().Sub(start)
	s.d.Logger.InfoContext(ctx, "images run", "partner", partner, "products", rep.Products, "urls", rep.URLs,
		"fetched", rep.Fetched, "revalidated", rep.Revalidated, "reused", rep.Reused,
		"failed", rep.Failed, "skipped", rep.Skipped, "duration_ms", rep.Duration.Milliseconds())
	return rep, nil
}

// covered reports whether pictures are exactly the pictures of urls, in
// order (a URL that failed has none, so such a product is looked at again;
// its URL's failure is remembered, so that costs no request).
func covered(urls []string, pictures []catalog.Picture) bool {
	if len(pictures) != len(urls) {
		return false
	}
	for i := range urls {
		if pictures[i].Source != urls[i] {
			return false
		}
	}
	return true
}

// apply sets the new pictures of the products in todo and writes those
// that changed, unless the product changed meanwhile (another ingest: the
// next run sees it).
func (s *Service) apply(ctx context.Context, todo []work, got map[string]outcome) error {
	var batch []catalog.Product
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := s.d.Store.PutProducts(ctx, batch)
		batch = batch[:0]
		return err
	}
	for _, w := range todo {
		var pics []catalog.Picture
		for _, u := range w.urls {
			r, asked := got[u]
			i := slices.IndexFunc(w.old, func(p catalog.Picture) bool { return p.Source == u })
			switch {
			case r.picture != nil:
				pics = append(pics, *r.picture)
			case (!asked || r.kind == "skipped") && i >= 0:
				// Not asked (the product had it), or left for a later run:
				// keep what the product shows.
				pics = append(pics, w.old[i])
			}
		}
		if samePictures(pics, w.old) {
			continue
		}
		p, err := s.d.Store.GetProduct(ctx, w.id)
		if catalog.IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		if p.Hash != w.hash {
			continue
		}
		p.Pictures = pics
		batch = append(batch, p)
		if len(batch) == 100 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func samePictures(a, b []catalog.Picture) bool {
	return slices.EqualFunc(a, b, func(x, y catalog.Picture) bool {
		return x.Source == y.Source && x.Key == y.Key && x.Width == y.Width && x.Height == y.Height && slices.Equal(x.Widths, y.Widths)
	})
}

// one gets one URL: from what we know of it, a conditional request, or a
// download, within the run's budget.
func (s *Service) one(ctx context.Context, url string, o Options, st *runState) outcome {
	rec, known := s.readRecord(ctx, url)
	now := s.d.Clock()
	if known && !o.Refetch && rec.Picture == nil && rec.Reason != "" && now.Sub(rec.CheckedAt) < o.RetryFailedAfter {
		return outcome{kind: "failed", reason: rec.Reason, message: rec.Message}
	}
	if ctx.Err() != nil || st.fetches.Add(1) > int64(o.MaxFetches) || st.bytesIn.Load() > o.MaxBytes {
		return outcome{kind: "skipped"}
	}
	var v Validators
	if known && !o.Refetch && rec.Picture != nil {
		v = rec.Validators
	}
	f, err := s.d.Fetcher.Fetch(ctx, url, v)
	if err != nil && ctx.Err() != nil {
		return outcome{kind: "skipped"} // the run's time ran out, not the URL's fault
	}
	if err != nil {
		return s.failed(ctx, url, err)
	}
	st.bytesIn.Add(int64(len(f.Body)))
	if f.NotModified {
		rec.Validators, rec.CheckedAt = f.Validators, now.UTC()
		s.writeRecord(ctx, rec)
		return outcome{kind: "revalidated", picture: rec.Picture}
	}
	pic, reused, err := s.store(ctx, url, f.Body, o, st)
	if err != nil {
		return s.failed(ctx, url, err)
	}
	s.writeRecord(ctx, record{URL: url, Validators: f.Validators, Picture: &pic, CheckedAt: now.UTC()})
	if reused {
		return outcome{kind: "reused", picture: &pic}
	}
	return outcome{kind: "fetched", picture: &pic}
}

func (s *Service) failed(ctx context.Context, url string, err error) outcome {
	reason, msg := Reason(err), catalog.MessageOf(err)
	if reason == "internal" {
		s.d.Logger.ErrorContext(ctx, "image failed", "url", url, "err", err.Error())
	}
	// Failures worth remembering are the URL's own; a store that failed
	// is not a reason to stop asking.
	if reason != "internal" {
		s.writeRecord(ctx, record{URL: url, CheckedAt: s.d.Clock().UTC(), Reason: reason, Message: msg})
	}
	return outcome{kind: "failed", reason: reason, message: msg}
}

// runState is shared by the workers of one run.
type runState struct {
	fetches, bytesIn atomic.Int64
	mu               sync.Mutex
	content          map[string]*contentSlot // picture key → its first storing
}

// contentSlot is the storing of one content within a run: two URLs with
// the same bytes are derived once, the second waits for the first.
type contentSlot struct {
	done chan struct{}
	pic  catalog.Picture
	err  error
}

// store derives and writes the sizes of an original, unless the same
// content is stored already (its largest size, written last, exists) or
// being stored by another worker of the run.
func (s *Service) store(ctx context.Context, url string, body []byte, o Options, st *runState) (catalog.Picture, bool, error) {
	sum := sha256.Sum256(body)
	key := PicturePrefix + hex.EncodeToString(sum[:])
	st.mu.Lock()
	slot, seen := st.content[key]
	if !seen {
		slot = &contentSlot{done: make(chan struct{})}
		st.content[key] = slot
	}
	st.mu.Unlock()
	if seen {
		select {
		case <-slot.done:
		case <-ctx.Done():
			return catalog.Picture{}, false, catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "cancelled")
		}
		pic := slot.pic
		pic.Source = url
		return pic, true, slot.err
	}
	defer close(slot.done)
	slot.pic, seen, slot.err = s.storeContent(ctx, url, key, body, o)
	return slot.pic, seen, slot.err
}

func (s *Service) storeContent(ctx context.Context, url, key string, body []byte, o Options) (catalog.Picture, bool, error) {
	pic := catalog.Picture{Source: url, Key: key}
	if !o.Refetch {
		w, h, err := Config(body, o.Derive)
		if err != nil {
			return pic, false, err
		}
		dims := SizesFor(w, h, o.Derive)
		if _, err := s.d.Blobs.Stat(ctx, pic.SizeKey(dims[len(dims)-1][0])); err == nil {
			pic.Width, pic.Height = w, h
			for _, d := range dims {
				pic.Widths = append(pic.Widths, d[0])
			}
			return pic, true, nil
		}
	}
	d, err := Derive(body, o.Derive)
	if err != nil {
		return pic, false, err
	}
	pic.Width, pic.Height = d.Width, d.Height
	for _, sz := range d.Sizes { // ascending: the largest last marks the set complete
		if _, err := s.d.Blobs.Put(ctx, pic.SizeKey(sz.Width), bytes.NewReader(sz.JPEG)); err != nil {
			return pic, false, err
		}
		pic.Widths = append(pic.Widths, sz.Width)
	}
	return pic, false, nil
}

func (s *Service) readRecord(ctx context.Context, url string) (record, bool) {
	rc, _, err := s.d.Blobs.Open(ctx, metaKey(url))
	if err != nil {
		if !catalog.IsNotFound(err) {
			s.d.Logger.WarnContext(ctx, "image record unreadable", "url", url, "err", err.Error())
		}
		return record{URL: url}, false
	}
	defer rc.Close()
	var r record
	if err := json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&r); err != nil || r.URL != url {
		return record{URL: url}, false
	}
	return r, true
}

func (s *Service) writeRecord(ctx context.Context, r record) {
	b, err := json.Marshal(r)
	if err == nil {
		_, err = s.d.Blobs.Put(ctx, metaKey(r.URL), bytes.NewReader(b))
	}
	if err != nil {
		// Losing a record costs one more request next time, nothing else.
		s.d.Logger.WarnContext(ctx, "image record not written", "url", r.URL, "err", err.Error())
	}
}

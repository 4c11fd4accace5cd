package catalog

import (
	"context"
	"io"
	"iter"
	"time"
)

// Store is the source of truth for products and catalogs. Implementations
// are safe for concurrent use. Errors carry a Code: CodeNotFound for a
// missing item, CodeUnavailable for a backend that throttles or is down
// (retry later), CodeInternal for anything else.
type Store interface {
	// GetProduct returns the product with id, or CodeNotFound.
	GetProduct(ctx context.Context, id string) (Product, error)
	// PutProducts creates or replaces products, all or none per call where
	// the backend allows and per item otherwise; a retry of the same call is
	// safe. It sets each stored product's Version to one more than the
	// stored one (1 for a new product) and returns the products as stored.
	PutProducts(ctx context.Context, products []Product) ([]Product, error)
	// GetProducts returns the stored products among ids, in no set order;
	// missing ids are left out. It is one read per batch where the backend
	// allows (BatchGetItem), for callers that need many products at once.
	GetProducts(ctx context.Context, ids []string) ([]Product, error)
	// DeleteProducts removes the products with ids; missing ids are not an
	// error.
	DeleteProducts(ctx context.Context, ids []string) error
	// Products yields every product of partner ("" for all partners), in
	// no set order, each with a nil error. A failure ends the sequence: it
	// is yielded last, with a zero Product. Breaking out of the loop stops
	// the read. The loop body must not write to the same store (bbolt runs
	// it inside a read transaction).
	Products(ctx context.Context, partner string) iter.Seq2[Product, error]

	// CreateCatalog stores a new catalog record, or returns CodeConflict when
	// one with c.ID exists: the guard that makes a twice-delivered file event
	// one ingest.
	CreateCatalog(ctx context.Context, c Catalog) error
	// PutCatalog creates or replaces a catalog record (with its report).
	PutCatalog(ctx context.Context, c Catalog) error
	// SwapCatalog replaces the record c.ID with c only if the stored one
	// still has prev's Revision (the caller read prev and decided from it),
	// or returns CodeConflict (another writer changed it first) or
	// CodeNotFound. It is the guard that lets one of two deliveries of the
	// same file take over a waiting, failed or abandoned catalog.
	SwapCatalog(ctx context.Context, prev, c Catalog) error
	// GetCatalog returns the catalog with id, or CodeNotFound.
	GetCatalog(ctx context.Context, id string) (Catalog, error)
	// ListCatalogs returns the catalogs of partner ("" for all), newest
	// ReceivedAt first, at most limit of them.
	ListCatalogs(ctx context.Context, partner string, limit int) ([]Catalog, error)

	// PutChanges records what ingests did to products (history): each
	// change under its catalog, and the price of each change that sets one
	// (PriceAfter of a creation or of a change naming FieldPrice) in the
	// product's price history. Writing the same change twice keeps one. A
	// backend may expire history (a TTL on AWS).
	PutChanges(ctx context.Context, changes []ProductChange) error
	// CatalogChanges returns the changes of catalogID by product ID, at
	// most limit (capped by MaxChangesPage) of those after the product ID
	// after ("" from the first), and where the next page starts.
	CatalogChanges(ctx context.Context, catalogID, after string, limit int) (ChangesPage, error)
	// PriceHistory returns the price points of the product with id, newest
	// first, at most limit of them; none (no error) for a product without
	// history.
	PriceHistory(ctx context.Context, id string, limit int) ([]PricePoint, error)

	// SessionGeneration returns the site-session generation of a partner
	// API key, named by keyID (the key's digest, never the key itself): 0
	// until EndSessions first moved it. A site session carries the
	// generation it was signed in at and is refused once it differs.
	SessionGeneration(ctx context.Context, keyID string) (int64, error)
	// EndSessions ends the site sessions of keyID signed in at generation
	// gen: it moves the stored generation from gen to gen+1 and returns
	// gen+1, or CodeConflict when the stored generation is not gen (those
	// sessions ended already). It is a conditional write, so of two
	// concurrent calls with the same gen one wins.
	EndSessions(ctx context.Context, keyID string, gen int64) (int64, error)
}

// ValidKeyID reports whether id can name a partner key's session record:
// 1 to 128 characters of [0-9a-zA-Z_-] (a hex digest).
func ValidKeyID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// Index is the search index, kept in sync with the Store. Implementations
// are safe for concurrent use.
type Index interface {
	// Upsert adds or replaces documents. A document whose Version is lower
	// than the indexed one is ignored, so a late or replayed update never
	// rolls a document back.
	Upsert(ctx context.Context, products []Product) error
	// Delete removes documents by id; missing ids are not an error.
	Delete(ctx context.Context, ids []string) error
	// Search runs q, which the caller has validated with q.Validate.
	Search(ctx context.Context, q Query) (Result, error)
	// Count returns the number of documents.
	Count(ctx context.Context) (int, error)
	// Suggest returns at most n autocomplete proposals (brands and
	// categories first, then product names) for the text a user is typing;
	// n is capped by MaxSuggestSize, an empty prefix gives none.
	Suggest(ctx context.Context, prefix string, n int) ([]Suggestion, error)
	// Insights aggregates the documents matching q, which the caller has
	// validated with q.Validate: terms, price percentiles and shared
	// offers (insights.go).
	Insights(ctx context.Context, q InsightsQuery) (Insights, error)
}

// BlobInfo describes a stored file.
type BlobInfo struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	// ETag changes whenever the content changes.
	ETag string `json:"etag"`
	// Version names this upload of the key, distinct for every upload
	// even of identical content within the same second (S3's VersionId in
	// a versioned bucket; the modification time in nanoseconds on disk).
	// Empty when the store cannot tell (an unversioned bucket, a listing).
	Version string `json:"version,omitempty"`
	// SHA256 is the hex SHA-256 of the content when the store knows it
	// without reading the content again (the disk blobs hash on Put, as the
	// bytes pass); empty otherwise. Readers that need the hash and find it
	// empty compute it themselves.
	SHA256 string `json:"sha256,omitempty"`
}

// Blobs stores catalog files by key ("incoming/{partner}/{file}"). Keys are
// slash-separated and never start with "/" or contain "..". Implementations
// are safe for concurrent use and stream content: no method holds a whole
// file in memory.
type Blobs interface {
	// Put stores r under key, replacing any previous content.
	Put(ctx context.Context, key string, r io.Reader) (BlobInfo, error)
	// Open returns the content of key, or CodeNotFound. The caller closes it.
	Open(ctx context.Context, key string) (io.ReadCloser, BlobInfo, error)
	// Stat returns the info of key, or CodeNotFound.
	Stat(ctx context.Context, key string) (BlobInfo, error)
	// List returns the blobs whose key starts with prefix, by key.
	List(ctx context.Context, prefix string) ([]BlobInfo, error)
	// Delete removes key; a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// ValidBlobKey reports whether key is a safe blob key.
func ValidBlobKey(key string) bool {
	if key == "" || len(key) > 1024 || key[0] == '/' {
		return false
	}
	for _, part := range splitKey(key) {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] == '\\' {
			return false
		}
	}
	return true
}

func splitKey(key string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			parts = append(parts, key[start:i])
			start = i + 1
		}
	}
	return append(parts, key[start:])
}

// ChunkLedger records which chunks of a catalog are written, when a big
// catalog's products are written in chunks by many runs at once (see
// Progress). The DynamoDB store implements it; the embedded default writes
// every catalog in one pass and needs none.
type ChunkLedger interface {
	// ResetChunks forgets the chunks recorded for the catalog: its file
	// is being read again, and its chunks will be written again.
	ResetChunks(ctx context.Context, catalogID string) error
	// ChunkDone records chunk n of the catalog as written and returns how
	// many distinct chunks are recorded: a chunk recorded twice (a run
	// retried) counts once.
	ChunkDone(ctx context.Context, catalogID string, n int) (int, error)
}

package bleveindex

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

var _ catalog.Index = (*Index)(nil)

// Options configure an Index.
type Options struct {
	// Synonyms are the synonym rules of a NEW index (nil: the default
	// rules of package search). An existing index keeps the rules it was
	// built with; Reindex builds with these.
	Synonyms *search.Synonyms
	// Logger receives engine errors in full (nil: discard).
	Logger *slog.Logger
	// BatchSize is how many documents one Bleve batch holds (default 5000:
	// fewer, larger segments index faster).
	BatchSize int
	// MaxSegmentDocs caps the documents of a segment that Bleve's
	// background merging makes (default DefaultMaxSegmentDocs); Optimize
	// still merges into one segment.
	MaxSegmentDocs int
}

// DefaultMaxSegmentDocs is the largest segment, in documents, that the
// index's background merging makes. A merge reads its source segments
// through memory mappings, which stay resident until the merge ends: with
// Bleve's default (5,000,000 documents) the merges of a 1,000,000-product
// first ingest made 650 MB of the index's files resident at once, and
// more with a larger catalog. Capped, a merge reads at most this many
// documents' segments (about 130 MB), and a large index keeps a few more
// segments (one per 50,000 to 100,000 documents).
const DefaultMaxSegmentDocs = 100_000

// runtimeConfig is the Bleve configuration an index is created and opened
// with: the merge planner's cap on segment size.
func (o Options) runtimeConfig() map[string]any {
	return map[string]any{"scorchMergePlanOptions": map[string]any{"MaxSegmentSize": o.MaxSegmentDocs}}
}

// Index is a catalog.Index on a Bleve index in a folder. It is safe for
// concurrent use: searches run in parallel; writes are serialised so that
// the version check and the write of a document are atomic.
type Index struct {
	path string
	opts Options
	log  *slog.Logger

	wmu sync.Mutex   // serialises writers (version check + batch)
	mu  sync.RWMutex // guards the fields below against Reindex's swap
	idx bleve.Index
	syn *search.Synonyms
	txt analysis.Analyzer
	fld analysis.Analyzer

	fresh bool // Open created the index: it is empty

	// broken is set when a write to the open index failed or Bleve
	// panicked (its files were deleted or damaged under it): Bleve's state
	// can no longer be trusted (it panics on the next read), so every call
	// returns broken until Reindex rebuilds the index (or a restart does).
	brokenMu sync.Mutex
	broken   error

	facets facetCache  // facet counts without their own filter, until the next write
	cols   columnCache // facet and sort values of the current snapshot
	// insights are the aggregations of the current generation (insights.go).
	insights insightsCache
	// legacyText selects the text query shape of SetLegacyTextQuery.
	legacyText atomic.Bool
}

const synonymsKey = "catalog/synonyms"

// Open opens the index in the folder path, creating it when absent.
func Open(path string, opts Options) (*Index, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 5000
	}
	if opts.MaxSegmentDocs <= 0 {
		opts.MaxSegmentDocs = DefaultMaxSegmentDocs
	}
	if opts.Synonyms == nil {
		opts.Synonyms = search.MustDefaultSynonyms()
	}
	x := &Index{path: path, opts: opts, log: opts.Logger}
	x.cols.log = opts.Logger
	x.cols.broken = func(err error) { _ = x.breakOff(err, "build columns") }
	x.cols.usable = func() bool { return x.brokenErr() == nil }
	idx, syn, fresh, err := openOrCreate(path, opts.Synonyms, opts.runtimeConfig(), opts.Logger)
	if err != nil {
		return nil, x.internal(err, "open index")
	}
	x.fresh = fresh
	if err := x.attach(idx, syn); err != nil {
		_ = idx.Close()
		return nil, err
	}
	return x, nil
}

// schemaVersion names the index layout this code writes and reads; an
// index of another layout is replaced by an empty one (see Fresh).
const schemaVersion = "catalogsearch-bleve-9"

const schemaKey = "catalog/schema"

// openOrCreate opens the index at path, or creates it (fresh) when absent
// or built by another version of this package, with the Bleve
// configuration cfg (Options.runtimeConfig).
func openOrCreate(path string, syn *search.Synonyms, cfg map[string]any, log *slog.Logger) (bleve.Index, *search.Synonyms, bool, error) {
	// path is the index folder the owner configures (as for G304, which
	// the lint configuration excludes); gosec's taint analysis (G703) also
	// follows it from the column build benchmark's environment variable.
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); err == nil { //nolint:gosec // G703: see above
		idx, err := bleve.OpenUsing(path, cfg)
		if err != nil {
			return nil, nil, false, err
		}
		schema, err := idx.GetInternal([]byte(schemaKey))
		if err != nil {
			_ = idx.Close()
			return nil, nil, false, err
		}
		if string(schema) == schemaVersion {
			raw, err := idx.GetInternal([]byte(synonymsKey))
			if err != nil {
				_ = idx.Close()
				return nil, nil, false, err
			}
			stored, err := search.ParseSynonyms(strings.NewReader(string(raw)))
			if err != nil {
				_ = idx.Close()
				return nil, nil, false, err
			}
			return idx, stored, false, nil
		}
		_ = idx.Close()
		log.Warn("search index built by another version: starting an empty one; reindex from the store",
			"path", path, "schema", string(schema), "want", schemaVersion)
		if err := os.RemoveAll(path); err != nil { //nolint:gosec // G703: the configured index folder
			return nil, nil, false, err
		}
	}
	m, err := newMapping(syn)
	if err != nil {
		return nil, nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil { //nolint:gosec // G703: the configured index folder
		return nil, nil, false, err
	}
	idx, err := bleve.NewUsing(path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
	if err != nil {
		return nil, nil, false, err
	}
	b := idx.NewBatch()
	b.SetInternal([]byte(synonymsKey), []byte(strings.Join(syn.SolrRules(), "\n")))
	b.SetInternal([]byte(schemaKey), []byte(schemaVersion))
	if err := idx.Batch(b); err != nil {
		_ = idx.Close()
		return nil, nil, false, err
	}
	return idx, syn, true, nil
}

func (x *Index) attach(idx bleve.Index, syn *search.Synonyms) error {
	txt := idx.Mapping().AnalyzerNamed(textAnalyzer)
	fld := idx.Mapping().AnalyzerNamed(foldAnalyzer)
	if txt == nil || fld == nil {
		return catalog.Errorf(catalog.CodeInternal, "index at %s lacks the catalog analyzers; rebuild it", x.path)
	}
	x.mu.Lock()
	x.idx, x.syn, x.txt, x.fld = idx, syn, txt, fld
	x.mu.Unlock()
	return nil
}

// Fresh reports whether Open created the index, empty: there was none at
// the path, or one built by another version of this package (replaced).
// The owner of the store should then fill it (Reindex).
func (x *Index) Fresh() bool { return x.fresh }

// Close closes the index.
func (x *Index) Close() error {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.idx == nil {
		return nil
	}
	x.cols.reset()
	err := x.idx.Close()
	x.idx = nil
	if err != nil {
		return x.internal(err, "close index")
	}
	return nil
}

// internal logs err in full and returns a CodeInternal error with a safe
// message.
func (x *Index) internal(err error, what string) error {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return err
	}
	x.log.Error("bleve index", "op", what, "path", x.path, "err", err)
	return catalog.Wrap(catalog.CodeInternal, err, "search index failure")
}

// reader returns the current index under the read lock; the caller calls
// the returned release function when done. A broken index is not handed
// out (see Index.broken).
func (x *Index) reader() (bleve.Index, func(), error) {
	if err := x.brokenErr(); err != nil {
		return nil, nil, err
	}
	x.mu.RLock()
	if x.idx == nil {
		x.mu.RUnlock()
		return nil, nil, catalog.Errorf(catalog.CodeUnavailable, "search index is closed")
	}
	// The folder deleted under the open index: the next write would fail
	// and leave Bleve broken (a later read panics in goroutines of its own,
	// beyond any recover). Checked under the read lock, so never during
	// Reindex's swap of the folder.
	if _, err := os.Stat(filepath.Join(x.path, "index_meta.json")); errors.Is(err, fs.ErrNotExist) { //nolint:gosec // G703: the configured index folder (openOrCreate)
		x.mu.RUnlock()
		return nil, nil, x.breakOff(err, "open")
	}
	return x.idx, x.mu.RUnlock, nil
}

func (x *Index) brokenErr() error {
	x.brokenMu.Lock()
	defer x.brokenMu.Unlock()
	return x.broken
}

// breakOff puts the open index out of use after cause (a failed write, a
// panic) and returns the coded error every later call gets.
func (x *Index) breakOff(cause error, what string) error {
	x.log.Error("bleve index failed: out of use until rebuilt (restart, or catalogctl reindex)", "op", what, "path", x.path, "err", cause)
	err := catalog.Wrap(catalog.CodeUnavailable, cause,
		"search is unavailable until the search index is rebuilt")
	x.brokenMu.Lock()
	defer x.brokenMu.Unlock()
	if x.broken == nil {
		x.broken = err
	}
	return x.broken
}

// recoverPanic, deferred by every entry point that reaches Bleve, turns a
// panic in Bleve into the coded error of a broken index in *err, so no
// panic reaches a caller.
func (x *Index) recoverPanic(err *error, what string) {
	if r := recover(); r != nil {
		*err = x.breakOff(fmt.Errorf("panic in bleve: %v", r), what)
	}
}

// errBatch marks the error of a failed Bleve batch, which breaks the
// index it was written to (see write).
var errBatch = errors.New("bleve batch failed")

// Upsert implements catalog.Index.
func (x *Index) Upsert(ctx context.Context, products []catalog.Product) error {
	return x.write(func(idx bleve.Index) error { return x.upsertInto(ctx, idx, products) })
}

// write runs fn on the open index as its only writer (it holds wmu). A
// failed batch breaks the index (see Index.broken).
func (x *Index) write(fn func(idx bleve.Index) error) (err error) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	idx, release, err := x.reader()
	if err != nil {
		return err
	}
	defer release()
	defer x.recoverPanic(&err, "write")
	err = fn(idx)
	if errors.Is(err, errBatch) {
		return x.breakOff(err, "write")
	}
	// The columns of the new snapshot are built now, not when the next
	// search finds them stale (columnCache).
	x.cols.kick(idx)
	return err
}

// upsertInto writes products into idx in batches; the caller holds wmu.
func (x *Index) upsertInto(ctx context.Context, idx bleve.Index, products []catalog.Product) error {
	// Keep the highest version of each id in this call.
	latest := make(map[string]int, len(products))
	for i, p := range products {
		if p.ID == "" {
			return catalog.Errorf(catalog.CodeInvalid, "product without id")
		}
		if j, ok := latest[p.ID]; !ok || products[j].Version <= p.Version {
			latest[p.ID] = i
		}
	}
	// Chunks of distinct products go to Bleve in parallel: a Bleve batch
	// builds its segment on one core, so one at a time leaves the others
	// idle. The caller holds wmu, so no other writer interleaves.
	workers := min(runtime.GOMAXPROCS(0), 4)
	size := min(x.opts.BatchSize, max(500, (len(products)+workers-1)/workers))
	sem := make(chan struct{}, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	for start := 0; start < len(products); start += size {
		chunk := products[start:min(len(products), start+size)]
		if err := ctx.Err(); err != nil {
			fail(catalog.Wrap(catalog.CodeUnavailable, err, "indexing interrupted"))
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(start int, chunk []catalog.Product) {
			defer func() { <-sem; wg.Done() }()
			if err := x.writeChunk(ctx, idx, chunk, func(i int) bool { return latest[chunk[i].ID] == start+i }); err != nil {
				fail(err)
			}
		}(start, chunk)
	}
	wg.Wait()
	return firstErr
}

// writeChunk indexes the products of chunk that keep (the latest of their
// id in the call) and are not older than the indexed version, in one batch.
func (x *Index) writeChunk(ctx context.Context, idx bleve.Index, chunk []catalog.Product, keep func(i int) bool) error {
	indexed, err := x.versions(ctx, idx, chunk)
	if err != nil {
		return err
	}
	b := idx.NewBatch()
	for i, p := range chunk {
		if !keep(i) {
			continue
		}
		if v, ok := indexed[p.ID]; ok && v > p.Version {
			continue // a late or replayed update: never roll back
		}
		src, err := json.Marshal(p)
		if err != nil {
			return x.internal(err, "encode product")
		}
		if err := b.Index(p.ID, document(p, string(src))); err != nil {
			return x.internal(err, "map product")
		}
	}
	if b.Size() == 0 {
		return nil
	}
	err = idx.Batch(b)
	x.facets.invalidate()
	if err != nil {
		return fmt.Errorf("%w: %w", errBatch, err)
	}
	return nil
}

// versions returns the indexed Version of those of products that are in
// idx, read from their stored version field in one search.
func (x *Index) versions(ctx context.Context, idx bleve.Index, products []catalog.Product) (map[string]int64, error) {
	ids := make([]string, len(products))
	for i, p := range products {
		ids[i] = p.ID
	}
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = []string{fVersion}
	req.Score = bleve.ScoreNone
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, x.internal(err, "read versions")
	}
	out := make(map[string]int64, len(res.Hits))
	for _, h := range res.Hits {
		if v, ok := h.Fields[fVersion].(float64); ok {
			out[h.ID] = int64(v)
		}
	}
	return out, nil
}

// Delete implements catalog.Index.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	return x.write(func(idx bleve.Index) error {
		b := idx.NewBatch()
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				return catalog.Wrap(catalog.CodeUnavailable, err, "delete interrupted")
			}
			b.Delete(id)
		}
		err := idx.Batch(b)
		x.facets.invalidate()
		if err != nil {
			return fmt.Errorf("%w: %w", errBatch, err)
		}
		return nil
	})
}

// Count implements catalog.Index.
func (x *Index) Count(_ context.Context) (_ int, err error) {
	idx, release, err := x.reader()
	if err != nil {
		return 0, err
	}
	defer release()
	defer x.recoverPanic(&err, "count")
	n, err := idx.DocCount()
	if err != nil {
		return 0, x.internal(err, "count")
	}
	return clampInt(n), nil
}

// Optimize merges the index's segments into one, which makes searches
// faster after a bulk load (Reindex does it before the swap). Searches and
// writes go on meanwhile.
func (x *Index) Optimize(ctx context.Context) (err error) {
	idx, release, err := x.reader()
	if err != nil {
		return err
	}
	defer release()
	defer x.recoverPanic(&err, "optimize")
	return x.optimize(ctx, idx)
}

func (x *Index) optimize(ctx context.Context, idx bleve.Index) error {
	adv, err := idx.Advanced()
	if err != nil {
		return x.internal(err, "optimize")
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return x.internal(err, "optimize")
	}
	return nil
}

// SetSynonyms sets the synonym rules the next Reindex builds with (the
// current index keeps the rules it was built with until then).
func (x *Index) SetSynonyms(syn *search.Synonyms) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	if syn != nil {
		x.opts.Synonyms = syn
	}
}

// Reindex rebuilds the index from src (every product of the store) into a
// new folder with the synonyms of Options, then swaps it in place of the
// current one. Searches keep running on the old index until the swap;
// writes wait. progress, when not nil, is called with the running count.
func (x *Index) Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error) {
	x.wmu.Lock()
	defer x.wmu.Unlock()
	tmp := x.path + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return 0, x.internal(err, "clear build folder")
	}
	fresh, syn, _, err := openOrCreate(tmp, x.opts.Synonyms, x.opts.runtimeConfig(), x.log)
	if err != nil {
		return 0, x.internal(err, "create build index")
	}
	n, err := search.Batches(src, x.opts.BatchSize, func(batch []catalog.Product) error {
		return x.upsertInto(ctx, fresh, batch)
	}, progress)
	if err == nil {
		err = x.optimize(ctx, fresh)
	}
	if err != nil {
		_ = fresh.Close()
		_ = os.RemoveAll(tmp)
		return n, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	old := x.idx
	x.cols.reset()
	if old != nil {
		if err := old.Close(); err != nil {
			x.log.Error("bleve index", "op", "close old index", "err", err)
		}
	}
	if err := fresh.Close(); err != nil {
		return n, x.internal(err, "close build index")
	}
	if err := os.RemoveAll(x.path); err != nil {
		return n, x.internal(err, "remove old index")
	}
	if err := os.Rename(tmp, x.path); err != nil {
		return n, x.internal(err, "swap index")
	}
	idx, err := bleve.OpenUsing(x.path, x.opts.runtimeConfig())
	if err != nil {
		x.idx = nil
		return n, x.internal(err, "reopen index")
	}
	txt := idx.Mapping().AnalyzerNamed(textAnalyzer)
	fld := idx.Mapping().AnalyzerNamed(foldAnalyzer)
	if txt == nil || fld == nil {
		_ = idx.Close()
		x.idx = nil
		return n, x.internal(fmt.Errorf("rebuilt index lacks analyzers"), "reopen index")
	}
	x.idx, x.syn, x.txt, x.fld = idx, syn, txt, fld
	x.facets.invalidate()
	x.brokenMu.Lock()
	x.broken = nil // rebuilt: in use again
	x.brokenMu.Unlock()
	return n, nil
}

// clampInt converts a count from Bleve.
func clampInt(n uint64) int {
	if n > math.MaxInt {
		return math.MaxInt
	}
	return int(n)
}

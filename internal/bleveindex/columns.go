package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// columns hold, for one index snapshot, the facet and sort values of every
// document in memory, indexed by Bleve's internal document number. Counting
// facets from Bleve's doc values decodes them anew for every matching
// document of every query, which was most of the time of a search; from
// these arrays a count is an increment.
type columns struct {
	reader index.IndexReader // the snapshot, held open while the columns are used
	refs   int               // guarded by columnCache.mu

	brand, partner, leaf []int32 // value codes, -1 for none
	currency             []int32 // code of the price's currency, -1 without a price
	price                []float64
	updated              []int64
	name                 []string // folded name, the name sort key
	grade                []uint8  // 1 + index of the grade in gradeVals, 0 for none
	offer                []int32  // code of the offer key (offerVals), -1 for none
	// avail is 1 + the index of the availability in
	// catalog.Availabilities(), 0 for none; lead is 1 + the index of the
	// shortest band of catalog.LeadTimeBands() the product ships within
	// (it is in that band and every longer one), 0 for none.
	avail, lead []uint8

	brandVals, partnerVals, leafVals []string
	brandCode, partnerCode           map[string]int32
	currencyVals                     []string
	currencyCode                     map[string]int32
	offerVals                        []string
	offerCode                        map[string]int32
	pathVals                         []string // every category path, ancestors included
	pathCode                         map[string]int32
	leafPaths                        [][]int32 // leaf code -> its paths (ancestors and itself)

	// live are the numbers of the snapshot's documents in index order, and
	// byLeaf those of each leaf category: queries without text visit only
	// these, never Bleve's postings.
	live   []uint32
	byLeaf [][]uint32

	// The value dictionaries grow only: a value keeps its code in every
	// later build (incremental.go), so the rows copied keep their codes.
	// A value no document has any more is counted 0, and 0 counts are never
	// listed; a full build starts them anew. leafCode is leafVals' codes.
	leafCode map[string]int32
	// segs are the scorch segments the rows come from, in order; nil when
	// the snapshot was read whole (not a scorch snapshot): the next build
	// then reads everything.
	segs []segmentSpan
	seq  uint64 // the build that made them (columnCache.seq)
	// arrays are the arrays of the columns above, shared with the columns
	// built after an append (nil for a match-all build).
	arrays *rowArrays
	dicts  *dictEpoch // of the dictionaries (nil for a match-all build)
}

// gradeVals are the grades the grade column codes, consecutive letters.
const gradeVals = "ABCDE"

// defaultWaitDocs is the largest build, in documents whose doc values it
// reads, that a search waits for (columnCache.waitDocs). At a million
// documents on the 2-core benchmark machine (docs/bench/search-writes.md,
// BenchmarkColumnBuild) the build after a batch of 500 takes ~45 ms and
// one that reads 50,000 ~115 ms, against ~1.8 s for a full build; the
// collector's answers while the index is written under 16 clients took
// 0.57 s at the median and 5.5 s at p99. So a search waits for a build
// up to a fifth of that median; a larger one (the first after open, a
// merge into a segment of up to Options.MaxSegmentDocs) is not waited for.
const defaultWaitDocs = 50_000

// maxWaits bounds the builds one search waits for: the one in flight (of
// an older snapshot), then the one of its own snapshot or newer.
const maxWaits = 3

// columnCache keeps the columns of the newest snapshot it has built, per
// segment as Lucene keeps doc values: a build copies the rows of every
// scorch segment the previous columns already hold (memmove of each
// column's range) and reads the doc values of the new segments only (a
// write's batch, a merge's result), so it costs the documents written, not
// the index (incremental.go).
//
// Columns are reference counted: a replaced one stays open until its last
// user is done. At most one build runs at a time, so continuous writes
// cost one core at most, never a build per search. Once a search has asked
// for columns, every write starts a build (kick) unless one is in flight,
// and a build that ends with the index's snapshot moved on starts the next
// one: the columns are usually current before the next search arrives.
//
// A search whose snapshot's columns are not built waits for the build in
// flight when it is small (incremental, at most waitDocs documents to
// read): the columns it then gets are of its snapshot or a newer one (a
// build started after the search took its snapshot), never older, so a
// search sees every write done before it began. A search never waits for
// a large build (the first after open, a big merge): it runs on Bleve's
// collector meanwhile.
type columnCache struct {
	log *slog.Logger

	mu     sync.Mutex
	cols   *columns
	flight *flight            // the build in flight; nil when none
	cancel context.CancelFunc // of the build goroutine in flight; nil when none
	wg     sync.WaitGroup     // the build goroutine in flight
	seq    uint64             // builds started so far
	// spare are column arrays no columns use any more: the next build
	// that copies rows writes there, and only the rows of the segments
	// they do not hold at the same offset (rowArrays.holds), instead of
	// copying every row into new arrays.
	spare *rowArrays
	// wanted is set once a search has asked for columns: from then on
	// writes start builds. Before (a bulk load, Reindex's fresh index) no
	// column is built for nobody.
	wanted bool
	// waitDocs is the largest build (documents read) a search waits for;
	// 0 means defaultWaitDocs.
	waitDocs int

	beforeMu sync.Mutex // guards before and acquired
	// before, when set (tests), runs in the build goroutine before it
	// reads the snapshot, with the build's context.
	before func(ctx context.Context)
	// acquired, when set (tests), runs in a search right after it has
	// acquired built columns, before it uses them.
	acquired func()
	// broken, when set, is told of a panic of Bleve during a build.
	broken func(err error)
	// usable, when set, says whether the index may still be read: no next
	// build starts once it is broken.
	usable func() bool
}

// flight is a build under way.
type flight struct {
	plan buildPlan     // its snapshot (plan.reader, owned) and what it reads
	seq  uint64        // its place among the builds started
	done chan struct{} // closed when it has ended, built or not
}

// small reports whether a search waits for the build.
func (f *flight) small(waitDocs int) bool {
	if waitDocs <= 0 {
		waitDocs = defaultWaitDocs
	}
	return f.plan.base != nil && f.plan.read <= waitDocs
}

// snapshotOf opens the current snapshot of idx; the caller closes it.
func snapshotOf(idx bleve.Index) (index.IndexReader, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	return adv.Reader()
}

// acquire returns the columns of idx's current snapshot or of a newer
// one, or nil when they are not built and the build is not one to wait
// for (columnCache); the caller calls release(cols) when done with
// non-nil columns. A wait ends with ctx.
func (c *columnCache) acquire(ctx context.Context, idx bleve.Index) (*columns, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Taken under mu: every build started later reads this snapshot or a
	// newer one, and columns installed before are of this one or older.
	r, err := snapshotOf(idx)
	if err != nil {
		return nil, err
	}
	own := true // r is still ours to close (not handed to a build)
	defer func() {
		if own {
			_ = r.Close()
		}
	}()
	c.wanted = true
	after := c.seq
	for waits := 0; ; waits++ {
		if cols := c.cols; cols != nil && (cols.reader == r || cols.seq > after) {
			cols.refs++
			return cols, nil
		}
		if c.flight == nil {
			if !own {
				return nil, nil // the build of r ended without columns
			}
			c.start(idx, r)
			own = false
		}
		f := c.flight
		if waits >= maxWaits || !f.small(c.waitDocs) {
			return nil, nil
		}
		c.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
		}
		c.mu.Lock()
		if ctx.Err() != nil {
			return nil, nil
		}
	}
}

// kick starts a build of idx's current snapshot after a write, unless
// one is in flight (it starts the next when it ends), no search has asked
// for columns yet, or they are current.
func (c *columnCache) kick(idx bleve.Index) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.wanted || c.flight != nil {
		return
	}
	r, err := snapshotOf(idx)
	if err != nil {
		return
	}
	if c.cols != nil && c.cols.reader == r {
		_ = r.Close()
		return
	}
	c.start(idx, r)
}

// start starts the build goroutine on snapshot r, which it owns; the
// caller holds mu and no build is in flight.
func (c *columnCache) start(idx bleve.Index, r index.IndexReader) {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.flight = c.newFlight(r)
	c.wg.Add(1)
	go c.run(ctx, idx, c.flight)
}

// newFlight plans the build of snapshot r on the current columns; the
// caller holds mu.
func (c *columnCache) newFlight(r index.IndexReader) *flight {
	c.seq++
	p := planBuild(r, c.cols)
	if p.base != nil && !p.extend && c.spare != nil && c.spare.users == 0 {
		p.spare, c.spare = c.spare, nil
	}
	return &flight{plan: p, seq: c.seq, done: make(chan struct{})}
}

// run builds f, then the next snapshot's columns as long as the index's
// snapshot has moved on when a build ends.
func (c *columnCache) run(ctx context.Context, idx bleve.Index, f *flight) {
	defer c.wg.Done()
	for f != nil {
		start := time.Now()
		cols, err := c.read(ctx, f, idx)
		if err == nil {
			c.log.Debug("bleve index", "op", "build columns", "documents", len(cols.live),
				"read", f.plan.read, "incremental", f.plan.base != nil, "took", time.Since(start))
		}
		f = c.finish(ctx, idx, f, cols, err)
	}
}

// finish makes the columns built by f the cache's, unless reset cancelled
// it meanwhile, and returns the next build to run, if any.
func (c *columnCache) finish(ctx context.Context, idx bleve.Index, f *flight, cols *columns, err error) *flight {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer close(f.done)
	cancelled := ctx.Err() != nil
	if errors.Is(err, errBuildPanic) {
		c.stop()
		return nil // Bleve is broken: not even its reader is touched again
	}
	if err != nil || cancelled {
		if err != nil && !cancelled {
			c.log.Error("bleve index", "op", "build columns", "err", err)
		}
		_ = f.plan.reader.Close()
		c.stop()
		return nil
	}
	cols.seq = f.seq
	if a := cols.arrays; a != nil { // before the retire: they may share them
		a.users++
		a.segs, a.dicts = cols.segs, cols.dicts
	}
	c.retire(c.cols)
	c.cols = cols
	cols.refs = 1 // the cache's own reference
	if f.plan.spare != nil && f.plan.spare != cols.arrays {
		c.spare = f.plan.spare // taken, not used
	}
	if c.usable != nil && !c.usable() {
		c.stop()
		return nil
	}
	r, err := snapshotOf(idx)
	if err != nil {
		c.stop()
		return nil
	}
	if r == cols.reader {
		_ = r.Close()
		c.stop()
		return nil
	}
	c.flight = c.newFlight(r)
	return c.flight
}

// stop records that no build is in flight; the caller holds mu.
func (c *columnCache) stop() {
	c.flight = nil
	c.cancel()
	c.cancel = nil
}

// runAcquired runs the acquired hook, if any.
func (c *columnCache) runAcquired() {
	c.beforeMu.Lock()
	f := c.acquired
	c.beforeMu.Unlock()
	if f != nil {
		f()
	}
}

// errBuildPanic marks a build that panicked.
var errBuildPanic = errors.New("panic while building the columns")

// read builds the columns of f's snapshot. A panic in Bleve (its files
// damaged under it) would end the process from this goroutine of ours: it
// is turned into an error and reported to broken.
func (c *columnCache) read(ctx context.Context, f *flight, idx bleve.Index) (cols *columns, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: %v", errBuildPanic, p)
			if c.broken != nil {
				c.broken(err)
			}
		}
	}()
	c.beforeMu.Lock()
	before := c.before
	c.beforeMu.Unlock()
	if before != nil {
		before(ctx)
	}
	if f.plan.segs != nil {
		cols, err = buildSegments(ctx, f.plan)
		if !errors.Is(err, errSegmentLayout) {
			return cols, err
		}
		c.log.Warn("bleve index: the snapshot's segments do not number its documents as expected; columns read in full", "err", err)
	}
	return buildColumns(ctx, f.plan.reader, idx)
}

// retire drops the cache's reference to cols; the caller holds mu.
func (c *columnCache) retire(cols *columns) {
	if cols == nil {
		return
	}
	c.drop(cols)
}

func (c *columnCache) release(cols *columns) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.drop(cols)
}

// drop drops a reference to cols; the last closes their snapshot, and
// makes their arrays spare when no other columns use them. The caller
// holds mu.
func (c *columnCache) drop(cols *columns) {
	cols.refs--
	if cols.refs > 0 {
		return
	}
	_ = cols.reader.Close()
	if a := cols.arrays; a != nil {
		a.users--
		if a.users == 0 {
			c.spare = a
		}
	}
}

// reset stops the build in flight, waits for it to end, and drops the
// cached snapshot: the index is closing or being replaced. The caller
// holds the index's write lock, so no search or write starts a build
// meanwhile; the next index's columns are built once a search asks.
func (c *columnCache) reset() {
	c.mu.Lock()
	if c.cancel != nil {
		c.cancel()
	}
	c.mu.Unlock()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.retire(c.cols)
	c.cols = nil
	c.spare = nil
	c.wanted = false
}

func code(vals *[]string, codes map[string]int32, v string) int32 {
	if c, ok := codes[v]; ok {
		return c
	}
	if len(*vals) >= math.MaxInt32 {
		return -1 // more distinct values than codes: counted as none
	}
	c := int32(len(*vals)) //nolint:gosec // bounded just above
	*vals = append(*vals, v)
	codes[v] = c
	return c
}

// columnFields are the doc-valued fields the columns hold.
var columnFields = []string{search.FieldBrand, search.FieldPartner, fCategoryLeaf, search.FieldCurrency, search.FieldPrice,
	search.FieldUpdated, search.FieldNameSort, search.FieldGrade, search.FieldOfferKey, search.FieldAvailability, search.FieldLeadTime}

// buildColumns reads the doc values of every document of snapshot r
// through a match-all search: the build of a reader that is not a scorch
// snapshot (incremental.go builds those segment by segment), and the
// reference the tests compare the incremental build with.
func buildColumns(ctx context.Context, r index.IndexReader, idx bleve.Index) (*columns, error) {
	n, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	b := &columnsBuilder{c: newColumns(r, int(min(n, math.MaxInt32))+16)}
	if err := b.readAll(ctx, r, idx); err != nil {
		return nil, err
	}
	b.c.indexLeaves()
	return b.c, nil
}

// newColumns returns empty columns of snapshot r with room for capacity
// documents.
func newColumns(r index.IndexReader, capacity int) *columns {
	return &columns{
		reader:    r,
		brandCode: map[string]int32{}, partnerCode: map[string]int32{}, pathCode: map[string]int32{},
		currencyCode: map[string]int32{}, offerCode: map[string]int32{}, leafCode: map[string]int32{},
		live:     make([]uint32, 0, capacity),
		brand:    make([]int32, 0, capacity),
		partner:  make([]int32, 0, capacity),
		leaf:     make([]int32, 0, capacity),
		currency: make([]int32, 0, capacity),
		price:    make([]float64, 0, capacity),
		updated:  make([]int64, 0, capacity),
		name:     make([]string, 0, capacity),
		grade:    make([]uint8, 0, capacity),
		offer:    make([]int32, 0, capacity),
		avail:    make([]uint8, 0, capacity),
		lead:     make([]uint8, 0, capacity),
	}
}

// The value dictionaries of columns, as bits of columnsBuilder.shared.
const (
	dictBrand uint8 = 1 << iota
	dictPartner
	dictLeaf
	dictCurrency
	dictOffer
)

// columnsBuilder fills columns from the doc values, one document at a time.
type columnsBuilder struct {
	c   *columns
	num uint64 // the document being read
	// shared are the dictionaries still those of the previous columns
	// (an incremental build): cloned before their first new value, so the
	// previous columns, still in use by searches, never change.
	shared uint8
}

// code returns the code of value term in a dictionary (bit of shared),
// adding it when new.
func (b *columnsBuilder) code(bit uint8, vals *[]string, codes *map[string]int32, term []byte) int32 {
	if c, ok := (*codes)[string(term)]; ok {
		return c
	}
	if b.shared&bit != 0 {
		*vals = slices.Clone(*vals)
		*codes = maps.Clone(*codes)
		b.shared &^= bit
	}
	if *codes == nil {
		*codes = map[string]int32{}
	}
	return code(vals, *codes, string(term))
}

// readAll visits every document of snapshot r in index order.
func (b *columnsBuilder) readAll(ctx context.Context, r index.IndexReader, idx bleve.Index) error {
	s, err := query.NewMatchAllQuery().Searcher(ctx, r, idx.Mapping(), bsearch.SearcherOptions{Score: bleve.ScoreNone})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	dvr, err := r.DocValueReader(columnFields)
	if err != nil {
		return err
	}
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		d, err := s.Next(sctx)
		if err != nil || d == nil {
			return err
		}
		b.num = d.IndexInternalID.Value()
		if b.num > math.MaxUint32 {
			return fmt.Errorf("document number %d out of range", b.num)
		}
		b.c.grow(b.num)
		b.c.live = append(b.c.live, uint32(b.num))
		if err := dvr.VisitDocValues(d.IndexInternalID, b.visit); err != nil {
			return err
		}
		sctx.DocumentMatchPool.Put(d)
	}
}

// grow extends every column, with "none" values, to hold document num.
func (c *columns) grow(num uint64) {
	for uint64(len(c.brand)) <= num {
		c.brand = append(c.brand, -1)
		c.partner = append(c.partner, -1)
		c.leaf = append(c.leaf, -1)
		c.currency = append(c.currency, -1)
		c.price = append(c.price, math.NaN())
		c.updated = append(c.updated, -1)
		c.name = append(c.name, "")
		c.grade = append(c.grade, 0)
		c.offer = append(c.offer, -1)
		c.avail = append(c.avail, 0)
		c.lead = append(c.lead, 0)
	}
}

// visit stores one doc value of the current document in its column.
func (b *columnsBuilder) visit(field string, term []byte) {
	c, num := b.c, b.num
	switch field {
	case search.FieldBrand:
		c.brand[num] = b.code(dictBrand, &c.brandVals, &c.brandCode, term)
	case search.FieldPartner:
		c.partner[num] = b.code(dictPartner, &c.partnerVals, &c.partnerCode, term)
	case fCategoryLeaf:
		c.leaf[num] = b.code(dictLeaf, &c.leafVals, &c.leafCode, term)
	case search.FieldCurrency:
		c.currency[num] = b.code(dictCurrency, &c.currencyVals, &c.currencyCode, term)
	case search.FieldPrice:
		if v, ok := exactFloat(term); ok {
			c.price[num] = v
		}
	case search.FieldUpdated:
		if v, err := strconv.ParseInt(string(term), 10, 64); err == nil {
			c.updated[num] = v
		}
	case search.FieldNameSort:
		c.name[num] = string(term)
	case search.FieldGrade:
		if len(term) == 1 && term[0] >= gradeVals[0] && term[0] <= gradeVals[len(gradeVals)-1] {
			c.grade[num] = term[0] - gradeVals[0] + 1
		}
	case search.FieldOfferKey:
		c.offer[num] = b.code(dictOffer, &c.offerVals, &c.offerCode, term)
	case search.FieldAvailability:
		c.avail[num] = valueCode(catalog.Availabilities(), string(term))
	case search.FieldLeadTime:
		if code := valueCode(leadBandNames(), string(term)); code > 0 && (c.lead[num] == 0 || code < c.lead[num]) {
			c.lead[num] = code // the shortest band
		}
	}
}

// valueCode is 1 + the index of v in vals, 0 when v is not one of them
// (vals are a handful of values: the code fits a byte).
func valueCode(vals []string, v string) uint8 {
	code := uint8(0)
	for _, x := range vals {
		code++
		if x == v {
			return code
		}
	}
	return 0
}

// leadBandNames are the values of catalog.LeadTimeBands() as indexed.
func leadBandNames() []string { return catalog.LeadTimeValues(1) }

// exactFloat decodes the full-precision term of a numeric field (Bleve
// also indexes shifted, coarser terms of each number: those are skipped).
func exactFloat(term []byte) (float64, bool) {
	pc := numeric.PrefixCoded(term)
	if !valid(pc) {
		return 0, false
	}
	if shift, _ := pc.Shift(); shift != 0 {
		return 0, false
	}
	i, err := pc.Int64()
	if err != nil {
		return 0, false
	}
	return numeric.Int64ToFloat64(i), true
}

// indexLeaves lists the live documents of each leaf category, and the
// category paths (ancestors and itself) of each leaf.
func (c *columns) indexLeaves() {
	leafN := make([]int, len(c.leafVals))
	for _, num := range c.live {
		if l := c.leaf[num]; l >= 0 {
			leafN[l]++
		}
	}
	// One array for all the lists: a build is a few allocations, however
	// many leaves.
	all := make([]uint32, 0, len(c.live))
	c.byLeaf = make([][]uint32, len(c.leafVals))
	for l, n := range leafN {
		c.byLeaf[l] = all[len(all) : len(all) : len(all)+n]
		all = all[:len(all)+n]
	}
	for _, num := range c.live {
		if l := c.leaf[num]; l >= 0 {
			c.byLeaf[l] = append(c.byLeaf[l], num)
		}
	}
	c.leafPaths = make([][]int32, len(c.leafVals))
	for i, leaf := range c.leafVals {
		for _, p := range search.CategoryPaths(strings.Split(leaf, " > ")) {
			c.leafPaths[i] = append(c.leafPaths[i], code(&c.pathVals, c.pathCode, p))
		}
	}
}

func valid(pc numeric.PrefixCoded) bool {
	_, err := pc.Shift()
	return err == nil
}

package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"

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
}

// gradeVals are the grades the grade column codes, consecutive letters.
const gradeVals = "ABCDE"

// columnCache keeps the columns of the newest snapshot it has built.
// Columns are reference counted: a replaced one stays open until its last
// user is done. A search never waits for a build: when the snapshot has
// changed since the columns were built (a write, a merge), acquire starts
// one background build of the new snapshot and answers nil, and the search
// runs on Bleve's collector meanwhile. At most one build runs at a time, so
// continuous writes cost one core at most, never a build per search; the
// columns built are used only by searches on that very snapshot.
type columnCache struct {
	log *slog.Logger

	mu       sync.Mutex
	cols     *columns
	cancel   context.CancelFunc // of the build in flight; nil when none
	wg       sync.WaitGroup     // the build in flight
	beforeMu sync.Mutex         // guards before and acquired
	// before, when set (tests), runs in the build goroutine before it
	// reads the snapshot, with the build's context.
	before func(ctx context.Context)
	// acquired, when set (tests), runs in a search right after it has
	// acquired built columns, before it uses them.
	acquired func()
	// broken, when set, is told of a panic of Bleve during a build.
	broken func(err error)
}

// acquire returns the columns of idx's current snapshot, or nil when they
// are not built yet (a build is then under way); the caller calls
// release(cols) when done with non-nil columns.
func (c *columnCache) acquire(idx bleve.Index) (*columns, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cols != nil && c.cols.reader == r {
		_ = r.Close() // the cache already holds this snapshot
		c.cols.refs++
		return c.cols, nil
	}
	if c.cancel != nil {
		_ = r.Close() // one build at a time: the next search after it starts the next
		return nil, nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel = cancel
	c.wg.Add(1)
	go c.build(ctx, r, idx) // owns r
	return nil, nil
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

// build reads the columns of snapshot r in the background and makes them
// the cache's, unless reset cancelled it meanwhile.
func (c *columnCache) build(ctx context.Context, r index.IndexReader, idx bleve.Index) {
	defer c.wg.Done()
	cols, err := c.read(ctx, r, idx)
	c.mu.Lock()
	defer c.mu.Unlock()
	cancelled := ctx.Err() != nil
	c.cancel()
	c.cancel = nil
	if errors.Is(err, errBuildPanic) {
		return // Bleve is broken: not even its reader is touched again
	}
	if err != nil || cancelled {
		if err != nil && !cancelled {
			c.log.Error("bleve index", "op", "build columns", "err", err)
		}
		_ = r.Close()
		return
	}
	c.retire(c.cols)
	c.cols = cols
	cols.refs = 1 // the cache's own reference
}

// errBuildPanic marks a build that panicked.
var errBuildPanic = errors.New("panic while building the columns")

// read builds the columns of snapshot r. A panic in Bleve (its files
// damaged under it) would end the process from this goroutine of ours: it
// is turned into an error and reported to broken.
func (c *columnCache) read(ctx context.Context, r index.IndexReader, idx bleve.Index) (cols *columns, err error) {
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
	return buildColumns(ctx, r, idx)
}

// retire drops the cache's reference to cols; the caller holds mu.
func (c *columnCache) retire(cols *columns) {
	if cols == nil {
		return
	}
	cols.refs--
	if cols.refs == 0 {
		_ = cols.reader.Close()
	}
}

func (c *columnCache) release(cols *columns) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cols.refs--
	if cols.refs == 0 {
		_ = cols.reader.Close()
	}
}

// reset stops the build in flight, waits for it to end, and drops the
// cached snapshot: the index is closing or being replaced. The caller
// holds the index's write lock, so no search starts a build meanwhile.
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

// buildColumns reads the doc values of every document of snapshot r.
func buildColumns(ctx context.Context, r index.IndexReader, idx bleve.Index) (*columns, error) {
	n, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	b := &columnsBuilder{c: newColumns(r, int(min(n, math.MaxInt32))+16), leafCode: map[string]int32{}}
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
		currencyCode: map[string]int32{}, offerCode: map[string]int32{},
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

// columnsBuilder fills columns from the doc values, one document at a time.
type columnsBuilder struct {
	c        *columns
	leafCode map[string]int32
	num      uint64 // the document being read
}

// readAll visits every document of snapshot r in index order.
func (b *columnsBuilder) readAll(ctx context.Context, r index.IndexReader, idx bleve.Index) error {
	s, err := query.NewMatchAllQuery().Searcher(ctx, r, idx.Mapping(), bsearch.SearcherOptions{Score: bleve.ScoreNone})
	if err != nil {
		return err
	}
	defer func() { _ = s.Close() }()
	dvr, err := r.DocValueReader([]string{search.FieldBrand, search.FieldPartner, fCategoryLeaf, search.FieldCurrency, search.FieldPrice, search.FieldUpdated, search.FieldNameSort, search.FieldGrade, search.FieldOfferKey, search.FieldAvailability, search.FieldLeadTime})
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
		c.brand[num] = code(&c.brandVals, c.brandCode, string(term))
	case search.FieldPartner:
		c.partner[num] = code(&c.partnerVals, c.partnerCode, string(term))
	case fCategoryLeaf:
		c.leaf[num] = code(&c.leafVals, b.leafCode, string(term))
	case search.FieldCurrency:
		c.currency[num] = code(&c.currencyVals, c.currencyCode, string(term))
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
		c.offer[num] = code(&c.offerVals, c.offerCode, string(term))
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
	c.byLeaf = make([][]uint32, len(c.leafVals))
	for l, n := range leafN {
		c.byLeaf[l] = make([]uint32, 0, n)
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

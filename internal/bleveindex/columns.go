package bleveindex

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

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

	brandVals, partnerVals, leafVals []string
	brandCode, partnerCode           map[string]int32
	currencyVals                     []string
	currencyCode                     map[string]int32
	pathVals                         []string // every category path, ancestors included
	pathCode                         map[string]int32
	leafPaths                        [][]int32 // leaf code -> its paths (ancestors and itself)

	// live are the numbers of the snapshot's documents in index order, and
	// byLeaf those of each leaf category: queries without text visit only
	// these, never Bleve's postings.
	live   []uint32
	byLeaf [][]uint32
}

// columnCache keeps the columns of the newest snapshot. Columns are
// reference counted: a replaced one stays open until its last user is done.
type columnCache struct {
	mu   sync.Mutex
	cols *columns
}

// acquire returns the columns of idx's current snapshot, building them
// when the snapshot changed; the caller calls release(cols) when done.
func (c *columnCache) acquire(ctx context.Context, idx bleve.Index) (*columns, error) {
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
	cols, err := buildColumns(ctx, r, idx)
	if err != nil {
		_ = r.Close()
		return nil, err
	}
	c.retire(c.cols)
	c.cols = cols
	cols.refs = 1 + 1 // the cache's own reference and the caller's
	return cols, nil
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

// close drops the cached snapshot; the index is closing.
func (c *columnCache) close() {
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
	c := &columns{
		reader:    r,
		brandCode: map[string]int32{}, partnerCode: map[string]int32{}, pathCode: map[string]int32{},
		currencyCode: map[string]int32{},
	}
	leafCode := map[string]int32{}
	grow := func(num uint64) {
		for uint64(len(c.brand)) <= num {
			c.brand = append(c.brand, -1)
			c.partner = append(c.partner, -1)
			c.leaf = append(c.leaf, -1)
			c.currency = append(c.currency, -1)
			c.price = append(c.price, math.NaN())
			c.updated = append(c.updated, -1)
			c.name = append(c.name, "")
		}
	}
	capacity := int(min(n, math.MaxInt32)) + 16
	c.live = make([]uint32, 0, capacity)
	c.brand = make([]int32, 0, capacity)
	c.partner = make([]int32, 0, capacity)
	c.leaf = make([]int32, 0, capacity)
	c.currency = make([]int32, 0, capacity)
	c.price = make([]float64, 0, capacity)
	c.updated = make([]int64, 0, capacity)
	c.name = make([]string, 0, capacity)

	s, err := query.NewMatchAllQuery().Searcher(ctx, r, idx.Mapping(), bsearch.SearcherOptions{Score: bleve.ScoreNone})
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.Close() }()
	dvr, err := r.DocValueReader([]string{search.FieldBrand, search.FieldPartner, fCategoryLeaf, search.FieldCurrency, search.FieldPrice, search.FieldUpdated, search.FieldNameSort})
	if err != nil {
		return nil, err
	}
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var num uint64
	visit := func(field string, term []byte) {
		switch field {
		case search.FieldBrand:
			c.brand[num] = code(&c.brandVals, c.brandCode, string(term))
		case search.FieldPartner:
			c.partner[num] = code(&c.partnerVals, c.partnerCode, string(term))
		case fCategoryLeaf:
			c.leaf[num] = code(&c.leafVals, leafCode, string(term))
		case search.FieldCurrency:
			c.currency[num] = code(&c.currencyVals, c.currencyCode, string(term))
		case search.FieldPrice:
			if pc := numeric.PrefixCoded(term); valid(pc) {
				if shift, _ := pc.Shift(); shift == 0 {
					if i, err := pc.Int64(); err == nil {
						c.price[num] = numeric.Int64ToFloat64(i)
					}
				}
			}
		case search.FieldUpdated:
			if v, err := strconv.ParseInt(string(term), 10, 64); err == nil {
				c.updated[num] = v
			}
		case search.FieldNameSort:
			c.name[num] = string(term)
		}
	}
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d, err := s.Next(sctx)
		if err != nil {
			return nil, err
		}
		if d == nil {
			break
		}
		num = d.IndexInternalID.Value()
		if num > math.MaxUint32 {
			return nil, fmt.Errorf("document number %d out of range", num)
		}
		grow(num)
		c.live = append(c.live, uint32(num))
		if err := dvr.VisitDocValues(d.IndexInternalID, visit); err != nil {
			return nil, err
		}
		sctx.DocumentMatchPool.Put(d)
	}
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
	return c, nil
}

func valid(pc numeric.PrefixCoded) bool {
	_, err := pc.Shift()
	return err == nil
}

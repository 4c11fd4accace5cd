package bleveindex

import (
	"container/heap"
	"context"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// fastPath reports whether q can run on the in-memory columns: every query
// but cursor pages and attribute facets (whose values the columns do not
// hold; nor grades), which run on Bleve's own collector.
func fastPath(q catalog.Query) bool {
	if q.Cursor != "" {
		return false
	}
	for _, f := range q.Facets {
		if strings.HasPrefix(f, catalog.FacetAttrPrefix) || f == catalog.FacetGrade {
			return false
		}
	}
	return true
}

// nonColumnFilters are the filters the columns cannot evaluate
// (grade, offer key, attributes); they stay in the Bleve query.
func nonColumnFilters(f catalog.Filters) query.Query {
	return filterQuery(nonColumn(f), "")
}

// nonColumn keeps the filters of f that the columns cannot evaluate.
func nonColumn(f catalog.Filters) catalog.Filters {
	return catalog.Filters{Grades: f.Grades, OfferKeys: f.OfferKeys, Attributes: f.Attributes}
}

// hitRef is a candidate hit.
type hitRef struct {
	num   uint64
	score float64
}

// ranked is a heap of the best hits so far, the worst on top.
type ranked struct {
	items  []hitRef
	better func(a, b hitRef) bool
}

func (r *ranked) Len() int           { return len(r.items) }
func (r *ranked) Less(i, j int) bool { return r.better(r.items[j], r.items[i]) }
func (r *ranked) Swap(i, j int)      { r.items[i], r.items[j] = r.items[j], r.items[i] }
func (r *ranked) Push(x any)         { r.items = append(r.items, x.(hitRef)) }
func (r *ranked) Pop() any {
	it := r.items[len(r.items)-1]
	r.items = r.items[:len(r.items)-1]
	return it
}

// order returns the "ranks before" relation of q's sort on the columns,
// the same order as sortOrder gives Bleve: ties in index order, missing
// values last.
func order(c *columns, q catalog.Query, scored bool) func(a, b hitRef) bool {
	tie := func(a, b hitRef) bool { return a.num < b.num }
	switch {
	case q.Sort == catalog.SortPriceAsc || q.Sort == catalog.SortPriceDesc:
		desc := q.Sort == catalog.SortPriceDesc
		return func(a, b hitRef) bool {
			pa, pb := c.price[a.num], c.price[b.num]
			switch {
			case math.IsNaN(pa) || math.IsNaN(pb):
				if math.IsNaN(pa) != math.IsNaN(pb) {
					return !math.IsNaN(pa)
				}
			case pa != pb:
				return (pa < pb) != desc
			}
			return tie(a, b)
		}
	case q.Sort == catalog.SortName:
		return func(a, b hitRef) bool {
			na, nb := c.name[a.num], c.name[b.num]
			if na != nb {
				if na == "" || nb == "" {
					return nb == ""
				}
				return na < nb
			}
			return tie(a, b)
		}
	case q.Sort == catalog.SortNewest || !scored:
		return func(a, b hitRef) bool {
			ua, ub := c.updated[a.num], c.updated[b.num]
			if ua != ub {
				return ua > ub
			}
			return tie(a, b)
		}
	}
	return func(a, b hitRef) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		return tie(a, b)
	}
}

// columnFilter is q's filters on the columns' dimensions.
type columnFilter struct {
	partners, brands map[int32]bool // nil: no filter
	currencies       map[int32]bool // nil: no filter
	leaves           []bool         // by leaf code; nil: no filter
	// avail and lead are by column code (columns.avail, columns.lead):
	// the codes that pass; nil: no filter.
	avail, lead      []bool
	priceLo, priceHi float64
	price            bool
}

func newColumnFilter(c *columns, f catalog.Filters) columnFilter {
	var cf columnFilter
	set := func(values []string, codes map[string]int32) map[int32]bool {
		m := map[int32]bool{}
		for _, v := range values {
			if code, ok := codes[v]; ok {
				m[code] = true
			}
		}
		return m // possibly empty: nothing passes
	}
	for _, flt := range search.Filters(f, "") {
		switch flt.Dimension {
		case catalog.FacetPartner:
			cf.partners = set(flt.Values, c.partnerCode)
		case catalog.FacetBrand:
			cf.brands = set(flt.Values, c.brandCode)
		case catalog.FacetCurrency:
			cf.currencies = set(flt.Values, c.currencyCode)
		case catalog.FacetCategory:
			paths := set(flt.Values, c.pathCode)
			cf.leaves = make([]bool, len(c.leafVals))
			for leaf, ps := range c.leafPaths {
				for _, p := range ps {
					cf.leaves[leaf] = cf.leaves[leaf] || paths[p]
				}
			}
		case catalog.FacetAvailability:
			cf.avail = make([]bool, len(catalog.Availabilities())+1)
			for i, a := range catalog.Availabilities() {
				cf.avail[i+1] = slices.Contains(flt.Values, a)
			}
		case catalog.FacetLeadTime:
			// A product whose shortest band is i ships within band j >= i.
			cf.lead = make([]bool, len(leadBandNames())+1)
			for i := range leadBandNames() {
				for _, b := range leadBandNames()[i:] {
					cf.lead[i+1] = cf.lead[i+1] || slices.Contains(flt.Values, b)
				}
			}
		case catalog.FacetPrice:
			cf.price = true
			cf.priceLo, cf.priceHi = math.Inf(-1), math.Inf(1)
			if flt.Min != nil {
				cf.priceLo = *flt.Min
			}
			if flt.Max != nil {
				cf.priceHi = *flt.Max
			}
		}
	}
	return cf
}

// The bits of the column dimensions in a failing mask.
const (
	failPartner uint8 = 1 << iota
	failBrand
	failCategory
	failPrice
	failCurrency
	failAvailability
	failLeadTime
)

// failing returns a bit per dimension whose filter document num fails.
func (cf *columnFilter) failing(c *columns, num uint64) (fails uint8) {
	if cf.partners != nil && !cf.partners[c.partner[num]] {
		fails |= failPartner
	}
	if cf.brands != nil && !cf.brands[c.brand[num]] {
		fails |= failBrand
	}
	if cf.leaves != nil && (c.leaf[num] < 0 || !cf.leaves[c.leaf[num]]) {
		fails |= failCategory
	}
	if cf.price {
		p := c.price[num]
		if math.IsNaN(p) || p < cf.priceLo || p > cf.priceHi {
			fails |= failPrice
		}
	}
	if cf.currencies != nil && !cf.currencies[c.currency[num]] {
		fails |= failCurrency
	}
	if cf.avail != nil && !cf.avail[c.avail[num]] {
		fails |= failAvailability
	}
	if cf.lead != nil && !cf.lead[c.lead[num]] {
		fails |= failLeadTime
	}
	return fails
}

// tally counts the facets and keeps the best hits of one query as its
// candidate documents are visited; the facet filters are decided on the
// columns, and each facet is counted without its own filter (multi-select).
type tally struct {
	cols                        *columns
	cf                          columnFilter
	brand, partner, leaf, price bool // the facets counted while visiting
	currency, avail, lead       bool
	brandN, partnerN, leafN     []int
	availN, leadN               []int // by column code (0: none)
	currencyN                   []int
	// priceN counts the price bands of each currency apart: bands never
	// add amounts of different currencies.
	priceN   [][]int
	top      *ranked
	k, total int
}

func newTally(cols *columns, q catalog.Query, cf columnFilter, scored bool, want func(facet string) bool) *tally {
	return &tally{
		cols: cols, cf: cf,
		brand: want(catalog.FacetBrand), partner: want(catalog.FacetPartner),
		leaf: want(catalog.FacetCategory), price: want(catalog.FacetPrice),
		brandN: make([]int, len(cols.brandVals)), partnerN: make([]int, len(cols.partnerVals)),
		leafN: make([]int, len(cols.leafVals)), priceN: make([][]int, len(cols.currencyVals)),
		currency: want(catalog.FacetCurrency), currencyN: make([]int, len(cols.currencyVals)),
		avail: want(catalog.FacetAvailability), availN: make([]int, len(catalog.Availabilities())+1),
		lead: want(catalog.FacetLeadTime), leadN: make([]int, len(leadBandNames())+1),
		top: &ranked{better: order(cols, q, scored)}, k: q.Page * q.Size,
	}
}

// add visits document num of the snapshot with its score.
func (t *tally) add(num uint64, score float64) {
	fails := t.cf.failing(t.cols, num)
	if fails&(fails-1) != 0 { // fails two filters or more: counted nowhere
		return
	}
	t.countValues(num, fails)
	t.countBands(num, fails)
	if fails != 0 {
		return
	}
	t.total++
	h := hitRef{num: num, score: score}
	if t.top.Len() < t.k {
		heap.Push(t.top, h)
	} else if t.k > 0 && t.top.better(h, t.top.items[0]) {
		t.top.items[0] = h
		heap.Fix(t.top, 0)
	}
}

// counts reports whether a document failing the filters in fails counts
// in the facet of dimension bit: it passes them all, or fails that one
// only (a facet is counted without its own filter).
func counts(fails, bit uint8) bool { return fails == 0 || fails == bit }

// countValues counts document num in the brand, partner, category and
// currency facets.
func (t *tally) countValues(num uint64, fails uint8) {
	c := t.cols
	if t.brand && counts(fails, failBrand) && c.brand[num] >= 0 {
		t.brandN[c.brand[num]]++
	}
	if t.partner && counts(fails, failPartner) && c.partner[num] >= 0 {
		t.partnerN[c.partner[num]]++
	}
	if t.leaf && counts(fails, failCategory) && c.leaf[num] >= 0 {
		t.leafN[c.leaf[num]]++
	}
	if t.currency && counts(fails, failCurrency) && c.currency[num] >= 0 {
		t.currencyN[c.currency[num]]++
	}
}

// countBands counts document num in the price, availability and lead-time
// facets.
func (t *tally) countBands(num uint64, fails uint8) {
	c := t.cols
	if t.price && counts(fails, failPrice) && !math.IsNaN(c.price[num]) && c.currency[num] >= 0 {
		bands := t.priceN[c.currency[num]]
		if bands == nil {
			bands = make([]int, len(search.PriceRanges()))
			t.priceN[c.currency[num]] = bands
		}
		bands[search.PriceBand(c.price[num])]++
	}
	if t.avail && counts(fails, failAvailability) {
		t.availN[c.avail[num]]++
	}
	if t.lead && counts(fails, failLeadTime) {
		t.leadN[c.lead[num]]++
	}
}

// result loads the page's products (only those) and lists the counted
// facets; done holds facets whose values are already known, and
// doneCurrency the currency of the price facet when done holds it.
func (t *tally) result(x *Index, q catalog.Query, scored bool, done map[string][]catalog.FacetValue, doneCurrency string) (catalog.Result, error) {
	cols := t.cols
	hits := t.top.items
	sort.Slice(hits, func(i, j int) bool { return t.top.better(hits[i], hits[j]) })
	from := min((q.Page-1)*q.Size, len(hits))
	out := catalog.Result{Total: t.total, TotalExact: true, Page: q.Page, Size: q.Size, Hits: make([]catalog.Hit, 0, len(hits)-from)}
	for _, h := range hits[from:] {
		p, err := x.storedProduct(cols.reader, index.NewIndexInternalID(nil, h.num))
		if err != nil {
			return catalog.Result{}, err
		}
		score := 0.0
		if scored {
			score = h.score
		}
		out.Hits = append(out.Hits, catalog.Hit{Product: p, Score: score})
	}
	if len(q.Facets) == 0 {
		return out, nil
	}
	out.Facets = map[string][]catalog.FacetValue{}
	for _, f := range q.Facets {
		if vals, ok := done[f]; ok {
			out.Facets[f] = vals
			if f == catalog.FacetPrice {
				out.PriceCurrency = doneCurrency
			}
			continue
		}
		var vals []catalog.FacetValue
		switch f {
		case catalog.FacetBrand:
			vals = countsOf(cols.brandVals, t.brandN)
		case catalog.FacetPartner:
			vals = countsOf(cols.partnerVals, t.partnerN)
		case catalog.FacetCategory:
			pathN := make([]int, len(cols.pathVals))
			for leaf, n := range t.leafN {
				for _, p := range cols.leafPaths[leaf] {
					pathN[p] += n
				}
			}
			vals = countsOf(cols.pathVals, pathN)
		case catalog.FacetCurrency:
			vals = countsOf(cols.currencyVals, t.currencyN)
		case catalog.FacetAvailability:
			vals = countsOf(catalog.Availabilities(), t.availN[1:])
		case catalog.FacetLeadTime:
			// Each product counts in its shortest band and every longer one.
			bands := make([]int, len(leadBandNames()))
			for i := range bands {
				for code := 1; code <= i+1; code++ {
					bands[i] += t.leadN[code]
				}
			}
			vals = countsOf(leadBandNames(), bands)
		case catalog.FacetPrice:
			perCurrency := map[string]int{}
			for c, bands := range t.priceN {
				for _, n := range bands {
					perCurrency[cols.currencyVals[c]] += n
				}
			}
			out.PriceCurrency = search.PriceCurrency(q.Filters.Currency, perCurrency)
			var bands []int
			if c, ok := cols.currencyCode[out.PriceCurrency]; ok {
				bands = t.priceN[c]
			}
			out.Facets[f] = bandValues(bands)
			continue
		}
		search.SortFacetValues(vals)
		if len(vals) > q.FacetSize {
			vals = vals[:q.FacetSize]
		}
		out.Facets[f] = vals
	}
	return out, nil
}

// browseColumns answers a query without text whose filters all live in
// the columns (category pages, filtered listings) from the columns alone:
// the candidates are the documents of the chosen leaf categories, or all
// of them, and no Bleve posting is read. The category counts of a page
// filtered by category only are those of the whole snapshot.
func (x *Index) browseColumns(ctx context.Context, cols *columns, q catalog.Query) (catalog.Result, error) {
	cf := newColumnFilter(cols, q.Filters)
	wantCat := slices.Contains(q.Facets, catalog.FacetCategory)
	onlyCategory := cf.leaves != nil && cf.partners == nil && cf.brands == nil && cf.currencies == nil && !cf.price
	byLeaf := cf.leaves != nil && (!wantCat || onlyCategory)
	t := newTally(cols, q, cf, false, func(f string) bool {
		return slices.Contains(q.Facets, f) && (f != catalog.FacetCategory || !byLeaf)
	})
	visit := func(nums []uint32) error {
		for i, num := range nums {
			if i%(1<<16) == 0 && ctx.Err() != nil {
				return x.searchErr(ctx, ctx.Err())
			}
			t.add(uint64(num), 0)
		}
		return nil
	}
	if !byLeaf {
		if err := visit(cols.live); err != nil {
			return catalog.Result{}, err
		}
		return t.result(x, q, false, nil, "")
	}
	for leaf, ok := range cf.leaves {
		if ok {
			if err := visit(cols.byLeaf[leaf]); err != nil {
				return catalog.Result{}, err
			}
		}
	}
	if wantCat {
		for leaf, nums := range cols.byLeaf {
			t.leafN[leaf] = len(nums)
		}
	}
	return t.result(x, q, false, nil, "")
}

// searchColumns runs q in one pass over the matching documents of the
// snapshot of cols: the Bleve searcher gives the documents and scores; the
// columns decide the facet filters, count every facet without its own
// filter (multi-select) and sort. The result is the same as the collector
// path's on that snapshot. gen is the facet cache's generation read before
// cols were acquired: counts are cached under it, so counts of a snapshot
// that a write has since replaced are never kept.
func (x *Index) searchColumns(ctx context.Context, idx bleve.Index, cols *columns, gen uint64, q catalog.Query, text query.Query) (catalog.Result, error) {
	if text == nil && len(search.Filters(nonColumn(q.Filters), "")) == 0 {
		return x.browseColumns(ctx, cols, q)
	}
	// The counts of a facet whose own filter is set need the documents that
	// fail that filter, which is most of the index when the text is broad.
	// They repeat across queries, so they are cached until the next write;
	// when every such facet is cached, the filters go into the Bleve query
	// and only the hits are visited.
	var disjunctive []string
	cached := map[string][]catalog.FacetValue{}
	priceCurrency := ""
	for _, f := range q.Facets {
		if search.Filtered(q.Filters, search.FacetDimension(f)) {
			disjunctive = append(disjunctive, f)
			vals, ok := x.facets.get(facetKey(q, f))
			if f == catalog.FacetPrice && ok {
				priceCurrency, ok = x.facets.priceCurrency(q)
			}
			if ok {
				cached[f] = vals
			}
		}
	}
	narrow := len(disjunctive) > 0 && len(cached) == len(disjunctive)
	if !narrow {
		cached = nil
	}
	scored := text != nil && q.Sort == catalog.SortRelevance
	opts := bsearch.SearcherOptions{Score: bleve.ScoreNone}
	if scored {
		opts.Score = ""
	}
	bq := combine(text, nonColumnFilters(q.Filters))
	cf := newColumnFilter(cols, q.Filters)
	if narrow {
		bq, cf = combine(text, filterQuery(q.Filters, "")), columnFilter{}
	}
	s, err := bq.Searcher(ctx, cols.reader, idx.Mapping(), opts)
	if err != nil {
		return catalog.Result{}, x.searchErr(ctx, err)
	}
	defer func() { _ = s.Close() }()
	t := newTally(cols, q, cf, scored, func(f string) bool {
		_, done := cached[f]
		return slices.Contains(q.Facets, f) && !done
	})
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: cols.reader}
	for i := 0; ; i++ {
		if i%8192 == 0 && ctx.Err() != nil {
			return catalog.Result{}, x.searchErr(ctx, ctx.Err())
		}
		d, err := s.Next(sctx)
		if err != nil {
			return catalog.Result{}, x.searchErr(ctx, err)
		}
		if d == nil {
			break
		}
		if num := d.IndexInternalID.Value(); num < uint64(len(cols.brand)) {
			t.add(num, d.Score)
		}
		sctx.DocumentMatchPool.Put(d)
	}
	out, err := t.result(x, q, scored, cached, priceCurrency)
	if err != nil {
		return catalog.Result{}, err
	}
	for _, f := range disjunctive {
		x.facets.put(gen, facetKey(q, f), out.Facets[f])
		if f == catalog.FacetPrice {
			x.facets.putPriceCurrency(gen, q, out.PriceCurrency)
		}
	}
	return out, nil
}

// bandValues are the non-empty price bands of counts (by band), in band
// order.
func bandValues(counts []int) []catalog.FacetValue {
	vals := []catalog.FacetValue{}
	for b, r := range search.PriceRanges() {
		if b < len(counts) && counts[b] > 0 {
			vals = append(vals, catalog.FacetValue{Value: r.Label, Count: counts[b]})
		}
	}
	return vals
}

func countsOf(values []string, counts []int) []catalog.FacetValue {
	out := []catalog.FacetValue{}
	for i, n := range counts {
		if n > 0 {
			out = append(out, catalog.FacetValue{Value: values[i], Count: n})
		}
	}
	return out
}

// storedProduct loads the stored product of an internal document id.
func (x *Index) storedProduct(r index.IndexReader, id index.IndexInternalID) (catalog.Product, error) {
	ext, err := r.ExternalID(id)
	if err != nil {
		return catalog.Product{}, x.internal(err, "document id")
	}
	doc, err := r.Document(ext)
	if err != nil || doc == nil {
		return catalog.Product{}, x.internal(err, "load document "+ext)
	}
	var src []byte
	doc.VisitFields(func(f index.Field) {
		if f.Name() == fSource {
			src = f.Value()
		}
	})
	return decodeProduct(x, ext, src)
}

package bleveindex

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Insights implements catalog.Index: one pass over the columns of the
// matching documents counts partners, top-level categories and grades,
// gathers the prices of each category and currency (exact quartiles) and
// the partners of each offer key. When the columns of the current snapshot
// are not built yet, they are read for this call.
func (x *Index) Insights(ctx context.Context, q catalog.InsightsQuery) (_ catalog.Insights, err error) {
	if err := q.Validate(); err != nil {
		return catalog.Insights{}, err
	}
	idx, release, err := x.reader()
	if err != nil {
		return catalog.Insights{}, err
	}
	defer release()
	defer x.recoverPanic(&err, "insights")
	// As for facet counts: the generation is read before the snapshot, so
	// a write in between makes this result uncacheable, never stale.
	gen := x.facets.generation()
	key := fmt.Sprintf("%d|%v", q.Size, q.Filters)
	if in, ok := x.insights.get(gen, key); ok {
		return in, nil
	}
	cols, err := x.cols.acquire(ctx, idx)
	if err != nil {
		return catalog.Insights{}, x.searchErr(ctx, err)
	}
	if cols != nil {
		defer x.cols.release(cols)
	} else {
		adv, err := idx.Advanced()
		if err != nil {
			return catalog.Insights{}, x.searchErr(ctx, err)
		}
		r, err := adv.Reader()
		if err != nil {
			return catalog.Insights{}, x.searchErr(ctx, err)
		}
		defer func() { _ = r.Close() }()
		if cols, err = buildColumns(ctx, r, idx); err != nil {
			return catalog.Insights{}, x.searchErr(ctx, err)
		}
	}
	nums, err := insightDocs(ctx, idx, cols, q.Filters)
	if err != nil {
		return catalog.Insights{}, x.searchErr(ctx, err)
	}
	in, err := aggregate(ctx, cols, nums, q.Size)
	if err != nil {
		return catalog.Insights{}, x.searchErr(ctx, err)
	}
	x.insights.put(x.facets.generation(), gen, key, in)
	return in.Clone(), nil
}

// insightsCacheSize bounds the cached insights (one per query).
const insightsCacheSize = 16

// insightsCache keeps the insights of the index's current generation (the
// facet cache's, moved by every write): the operator's page asks the same
// aggregations again and again between catalog uploads, and at a million
// products a pass over the columns is most of its time.
type insightsCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]catalog.Insights
}

// get returns a copy of the insights cached for key under generation gen.
func (c *insightsCache) get(gen uint64, key string) (catalog.Insights, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	in, ok := c.entries[key]
	if !ok || c.gen != gen {
		return catalog.Insights{}, false
	}
	return in.Clone(), true
}

// put stores in, computed under generation computed, when that is still
// the current generation now.
func (c *insightsCache) put(now, computed uint64, key string, in catalog.Insights) {
	if now != computed {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != now || c.entries == nil || len(c.entries) >= insightsCacheSize {
		c.gen, c.entries = now, map[string]catalog.Insights{}
	}
	c.entries[key] = in
}

// insightDocs returns the numbers of the documents of cols matching f: the
// column filters on the columns, the others (grade, offer key, attributes)
// through a Bleve searcher on the columns' snapshot.
func insightDocs(ctx context.Context, idx bleve.Index, cols *columns, f catalog.Filters) ([]uint32, error) {
	cf := newColumnFilter(cols, f)
	if len(f.Grades) == 0 && len(f.OfferKeys) == 0 && len(f.Attributes) == 0 {
		out := make([]uint32, 0, len(cols.live))
		for _, num := range cols.live {
			if cf.failing(cols, uint64(num)) == 0 {
				out = append(out, num)
			}
		}
		return out, nil
	}
	s, err := nonColumnFilters(f).Searcher(ctx, cols.reader, idx.Mapping(), bsearch.SearcherOptions{Score: bleve.ScoreNone})
	if err != nil {
		return nil, err
	}
	defer func() { _ = s.Close() }()
	sctx := &bsearch.SearchContext{DocumentMatchPool: bsearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0)}
	var out []uint32
	for i := 0; ; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		d, err := s.Next(sctx)
		if err != nil || d == nil {
			return out, err
		}
		num := d.IndexInternalID.Value()
		if num > math.MaxUint32 {
			return nil, fmt.Errorf("document number %d out of range", num)
		}
		if num < uint64(len(cols.partner)) && cf.failing(cols, num) == 0 {
			out = append(out, uint32(num))
		}
		sctx.DocumentMatchPool.Put(d)
	}
}

// offerPartner is one partner of an offer key.
type offerPartner struct{ offer, partner int32 }

// priceGroup keys the prices of one top-level category in one currency.
type priceGroup struct{ top, currency int32 }

// aggregate counts the documents nums of cols.
func aggregate(ctx context.Context, cols *columns, nums []uint32, size int) (catalog.Insights, error) {
	partnerN := make([]int, len(cols.partnerVals))
	topOf := make([]int32, len(cols.leafVals)) // leaf code -> its top-level path code
	for leaf, paths := range cols.leafPaths {
		topOf[leaf] = paths[0]
	}
	topN := make([]int, len(cols.pathVals))
	gradeN := make([]int, len(gradeVals)+1) // by grade code, 0 = none
	prices := map[priceGroup][]float64{}
	offerN := make([]int, len(cols.offerVals))
	firstPartner := make([]int32, len(cols.offerVals))
	for i := range firstPartner {
		firstPartner[i] = -1
	}
	var pairs []offerPartner // of the offers seen with two partners
	shared := make([]bool, len(cols.offerVals))
	withKey := 0
	for i, num := range nums {
		if i%(1<<16) == 0 && ctx.Err() != nil {
			return catalog.Insights{}, ctx.Err()
		}
		p := cols.partner[num]
		if p >= 0 {
			partnerN[p]++
		}
		top := int32(-1)
		if l := cols.leaf[num]; l >= 0 {
			top = topOf[l]
			topN[top]++
		}
		if g := int(cols.grade[num]); g < len(gradeN) {
			gradeN[g]++
		}
		if c := cols.currency[num]; c >= 0 && top >= 0 && !math.IsNaN(cols.price[num]) {
			k := priceGroup{top, c}
			prices[k] = append(prices[k], cols.price[num])
		}
		if o := cols.offer[num]; o >= 0 {
			withKey++
			offerN[o]++
			switch {
			case firstPartner[o] < 0:
				firstPartner[o] = p
			case firstPartner[o] != p && !shared[o]:
				shared[o] = true
				pairs = append(pairs, offerPartner{o, firstPartner[o]})
			}
			if shared[o] {
				pairs = append(pairs, offerPartner{o, p})
			}
		}
	}
	out := catalog.Insights{
		Total:      len(nums),
		Partners:   topValues(cols.partnerVals, partnerN, size),
		Categories: topValues(cols.pathVals, topN, size),
		Grades:     []catalog.FacetValue{},
		Prices:     priceStats(cols, prices, size),
		Offers:     catalog.OfferOverlap{WithKey: withKey, Shared: sharedOffers(cols, pairs, offerN, size)},
	}
	for g, n := range gradeN[1:] {
		if n > 0 {
			out.Grades = append(out.Grades, catalog.FacetValue{Value: gradeVals[g : g+1], Count: n})
		}
	}
	search.SortFacetValues(out.Grades)
	return out, nil
}

// topValues returns the values with a count, most first, at most size.
func topValues(vals []string, counts []int, size int) []catalog.FacetValue {
	out := []catalog.FacetValue{}
	for i, n := range counts {
		if n > 0 {
			out = append(out, catalog.FacetValue{Value: vals[i], Count: n})
		}
	}
	search.SortFacetValues(out)
	return out[:min(len(out), size)]
}

// priceStats returns the distribution of each group, most prices first
// (ties by category, then currency), at most size.
func priceStats(cols *columns, groups map[priceGroup][]float64, size int) []catalog.PriceStats {
	out := make([]catalog.PriceStats, 0, len(groups))
	for k, v := range groups {
		out = append(out, catalog.PriceStats{Category: cols.pathVals[k.top], Currency: cols.currencyVals[k.currency], Count: len(v)})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.Currency < b.Currency
	})
	out = out[:min(len(out), size)]
	for i := range out {
		v := groups[priceGroup{cols.pathCode[out[i].Category], cols.currencyCode[out[i].Currency]}]
		slices.Sort(v)
		out[i].Min, out[i].Max = v[0], v[len(v)-1]
		out[i].Q1, out[i].Median, out[i].Q3 = search.Quantile(v, 0.25), search.Quantile(v, 0.5), search.Quantile(v, 0.75)
	}
	return out
}

// sharedOffers returns the offer keys held by two partners or more, in
// search.SortSharedOffers' order, at most size. pairs
// are (offer, partner) of the shared offers, with repeats.
func sharedOffers(cols *columns, pairs []offerPartner, offerN []int, size int) []catalog.SharedOffer {
	slices.SortFunc(pairs, func(a, b offerPartner) int {
		if a.offer != b.offer {
			return cmp.Compare(a.offer, b.offer)
		}
		return cmp.Compare(a.partner, b.partner)
	})
	pairs = slices.Compact(pairs)
	out := []catalog.SharedOffer{}
	for i := 0; i < len(pairs); {
		o := pairs[i].offer
		j := i
		for j < len(pairs) && pairs[j].offer == o {
			j++
		}
		out = append(out, catalog.SharedOffer{Key: cols.offerVals[o], Partners: j - i, Products: offerN[o]})
		i = j
	}
	search.SortSharedOffers(out)
	return out[:min(len(out), size)]
}

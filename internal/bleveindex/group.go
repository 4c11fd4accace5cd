package bleveindex

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Bleve has no collapse: a query grouped by offers (catalog.GroupOffers)
// is answered here with what OpenSearch's collapse does (internal/osindex):
// the groups are the values of search.FieldGroup among the matching
// products, a group stands in the query's order where its first product
// does, and that product is its hit. Four requests: the facets as for the
// flat query, a terms count of every group (the exact number of groups,
// and each group's offers), the walk of the hits in order until the page's
// groups are found, and the page's groups in price order for their
// cheapest offer.

// groupWalkBatch is how many hits the walk reads at first, per group of
// the pages it needs (most groups hold one to five offers).
const groupWalkBatch = 4

// maxCheapestScan caps the offers read to find the cheapest of a page's
// groups.
const maxCheapestScan = catalog.MaxResultDepth

// searchGrouped answers a grouped query.
func (x *Index) searchGrouped(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) (catalog.Result, error) {
	flat := q
	flat.Group, flat.Page, flat.Size = "", 1, 1
	out, err := x.searchPath(ctx, idx, flat, text) // facets count products, as without grouping
	if err != nil {
		return catalog.Result{}, err
	}
	match := combine(text, filterQuery(q.Filters, ""))
	counts, err := x.groupCounts(ctx, idx, match)
	if err != nil {
		return catalog.Result{}, err
	}
	out.Total, out.TotalExact = len(counts), true
	out.Page, out.Size = q.Page, q.Size
	from := (q.Page - 1) * q.Size
	leaders, err := x.groupLeaders(ctx, idx, q, text == nil, match, from+q.Size, counts)
	if err != nil {
		return catalog.Result{}, err
	}
	out.Hits = []catalog.Hit{}
	if from >= len(leaders) {
		return out, nil
	}
	out.Hits = leaders[from:]
	keys := make([]string, len(out.Hits))
	offers := 0
	for i, h := range out.Hits {
		keys[i] = search.GroupKey(h.Product)
		h.Group.Offers = counts[keys[i]]
		offers += h.Group.Offers
	}
	cheapest, err := x.cheapestOffers(ctx, idx, match, keys, min(offers, maxCheapestScan))
	if err != nil {
		return catalog.Result{}, err
	}
	for i, h := range out.Hits {
		h.Group.MinPrice = cheapest[keys[i]]
	}
	return out, nil
}

// groupCounts counts the matching products of every group: a terms facet
// on search.FieldGroup that keeps every value.
func (x *Index) groupCounts(ctx context.Context, idx bleve.Index, match query.Query) (map[string]int, error) {
	req := bleve.NewSearchRequestOptions(match, 0, 0, false)
	req.Score = bleve.ScoreNone
	req.AddFacet(search.FieldGroup, bleve.NewFacetRequest(search.FieldGroup, math.MaxInt32))
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, x.searchErr(ctx, err)
	}
	counts := map[string]int{}
	if fr := res.Facets[search.FieldGroup]; fr != nil && fr.Terms != nil {
		for _, t := range fr.Terms.Terms() {
			counts[t.Term] = t.Count
		}
	}
	return counts, nil
}

// groupLeaders walks the matching products in the query's order and
// returns the first product of each group, until it has n groups or the
// hits run out; each hit has its Group set (its counts filled by the
// caller). noText says the query has no text query (sortOrder).
func (x *Index) groupLeaders(ctx context.Context, idx bleve.Index, q catalog.Query, noText bool, match query.Query, n int, counts map[string]int) ([]catalog.Hit, error) {
	n = min(n, len(counts))
	out := make([]catalog.Hit, 0, n)
	seen := make(map[string]bool, n)
	batch := max(n*groupWalkBatch, catalog.DefaultSize)
	for read := 0; len(out) < n; {
		req := bleve.NewSearchRequestOptions(match, batch, read, false)
		req.Fields = []string{fSource}
		req.Sort = sortOrder(q, noText)
		if q.Sort != catalog.SortRelevance {
			req.Score = bleve.ScoreNone
		}
		res, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, x.searchErr(ctx, err)
		}
		for _, h := range res.Hits {
			src, _ := h.Fields[fSource].(string)
			p, err := decodeProduct(x, h.ID, []byte(src))
			if err != nil {
				return nil, err
			}
			if key := search.GroupKey(p); !seen[key] && len(out) < n {
				seen[key] = true
				out = append(out, catalog.Hit{Product: p, Score: h.Score, Group: &catalog.HitGroup{}})
			}
		}
		read += len(res.Hits)
		if len(res.Hits) < batch {
			break
		}
		batch *= 2
	}
	return out, nil
}

// cheapestOffers returns the price of the cheapest priced matching offer
// of each of the groups keys, reading at most limit offers in price order.
func (x *Index) cheapestOffers(ctx context.Context, idx bleve.Index, match query.Query, keys []string, limit int) (map[string]*catalog.Money, error) {
	ors := make([]query.Query, 0, len(keys))
	for _, k := range keys {
		ors = append(ors, term(search.FieldGroup, k, 1))
	}
	req := bleve.NewSearchRequestOptions(query.NewConjunctionQuery([]query.Query{match, query.NewDisjunctionQuery(ors)}), limit, 0, false)
	req.Fields = []string{fSource}
	req.Sort = bsearch.SortOrder{&bsearch.SortField{Field: fPriceKey, Type: bsearch.SortFieldAsString, Missing: bsearch.SortFieldMissingLast}}
	req.Score = bleve.ScoreNone
	res, err := idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, x.searchErr(ctx, err)
	}
	out := make(map[string]*catalog.Money, len(keys))
	for _, h := range res.Hits {
		src, _ := h.Fields[fSource].(string)
		p, err := decodeProduct(x, h.ID, []byte(src))
		if err != nil {
			return nil, err
		}
		if key := search.GroupKey(p); out[key] == nil && p.Price != nil {
			if _, ok := search.PriceFloat(p.Price); ok {
				out[key] = p.Price
			}
		}
	}
	return out, nil
}

package osindex

import (
	"context"
	"net/http"
	"sort"

	jsonv2 "github.com/go-json-experiment/json"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// topLevel matches the category paths without " > ": the top-level
// categories among every ancestor path the category field holds.
const topLevel = "[^>]*"

// sharedOversample is how many more offer keys than asked the shared
// offers' aggregation takes, since keys held by one partner twice are
// dropped after it.
const sharedOversample = 4

// maxPriceCurrencies bounds the currencies of one category whose prices
// are described.
const maxPriceCurrencies = 20

// Insights implements catalog.Index with one aggregation request: terms
// on the partner, the top-level categories and the grade; per top-level
// category and currency a stats and a percentiles (t-digest) aggregation
// of the price; the offer keys held by the most partners (a terms
// aggregation by products, whose partners are counted for the top keys).
func (x *Index) Insights(ctx context.Context, q catalog.InsightsQuery) (catalog.Insights, error) {
	if err := q.Validate(); err != nil {
		return catalog.Insights{}, err
	}
	order := []any{obj{"_count": "desc"}, obj{"_key": "asc"}}
	terms := func(field string, size int) obj {
		return obj{"field": field, "size": size, "order": order}
	}
	cats := terms(search.FieldCategory, q.Size)
	cats["include"] = topLevel
	priceCats := terms(search.FieldCategory, q.Size)
	priceCats["include"] = topLevel
	body := obj{
		"size": 0, "track_total_hits": true,
		"query": filterObj(filterClauses(q.Filters, "")),
		"aggs": obj{
			"partners":   obj{"terms": terms(search.FieldPartner, q.Size)},
			"categories": obj{"terms": cats},
			"grades":     obj{"terms": terms(search.FieldGrade, len(catalog.Grades()))},
			"prices": obj{"terms": priceCats, "aggs": obj{
				"cur": obj{"terms": terms(search.FieldCurrency, maxPriceCurrencies), "aggs": obj{
					"stats": obj{"stats": obj{"field": search.FieldPrice}},
					"pct":   obj{"percentiles": obj{"field": search.FieldPrice, "percents": []float64{25, 50, 75}, "keyed": false}},
				}},
			}},
			"with_key": obj{"filter": obj{"exists": obj{"field": search.FieldOfferKey}}},
			// The offer keys with most products, their partners counted
			// for those buckets only (breadth first): ordering every key
			// by the cardinality of its partners keeps one counter per
			// key and trips the node's memory breaker at 100,000 products.
			"shared": obj{
				"terms": obj{"field": search.FieldOfferKey, "size": q.Size * sharedOversample, "min_doc_count": 2,
					"collect_mode": "breadth_first", "order": []any{obj{"_count": "desc"}, obj{"_key": "asc"}}},
				"aggs": obj{"partners": obj{"cardinality": obj{"field": search.FieldPartner, "precision_threshold": 100}}},
			},
		},
	}
	b, err := jsonv2.Marshal(body)
	if err != nil {
		return catalog.Insights{}, x.decodeErr(ctx, err)
	}
	status, data, err := x.do(ctx, http.MethodGet, "/"+esc(x.cfg.Alias)+"/_search", b, http.StatusNotFound)
	if err != nil {
		return catalog.Insights{}, err
	}
	var resp insightsResp
	if status == http.StatusNotFound {
		if !indexNotFound(data) {
			return catalog.Insights{}, x.engineErr(ctx, http.MethodGet, "/_search", status, data)
		}
	} else if err := jsonv2.Unmarshal(data, &resp); err != nil {
		return catalog.Insights{}, x.decodeErr(ctx, err)
	}
	return resp.insights(q.Size), nil
}

// insightsResp is the answer to Insights' request.
type insightsResp struct {
	Hits struct {
		Total struct {
			Value int `json:"value"`
		} `json:"total"`
	} `json:"hits"`
	Aggregations struct {
		Partners   termsAgg `json:"partners"`
		Categories termsAgg `json:"categories"`
		Grades     termsAgg `json:"grades"`
		Prices     struct {
			Buckets []struct {
				Key string `json:"key"`
				Cur struct {
					Buckets []struct {
						Key      string `json:"key"`
						DocCount int    `json:"doc_count"`
						Stats    struct {
							Count int      `json:"count"`
							Min   *float64 `json:"min"`
							Max   *float64 `json:"max"`
						} `json:"stats"`
						Pct struct {
							Values []struct {
								Key   float64  `json:"key"`
								Value *float64 `json:"value"`
							} `json:"values"`
						} `json:"pct"`
					} `json:"buckets"`
				} `json:"cur"`
			} `json:"buckets"`
		} `json:"prices"`
		WithKey struct {
			DocCount int `json:"doc_count"`
		} `json:"with_key"`
		Shared struct {
			Buckets []struct {
				Key      string `json:"key"`
				DocCount int    `json:"doc_count"`
				Partners struct {
					Value int `json:"value"`
				} `json:"partners"`
			} `json:"buckets"`
		} `json:"shared"`
	} `json:"aggregations"`
}

// termsAgg is a terms aggregation's answer.
type termsAgg struct {
	Buckets []struct {
		Key      string `json:"key"`
		DocCount int    `json:"doc_count"`
	} `json:"buckets"`
}

func (t termsAgg) values() []catalog.FacetValue {
	out := []catalog.FacetValue{}
	for _, b := range t.Buckets {
		if b.DocCount > 0 {
			out = append(out, catalog.FacetValue{Value: b.Key, Count: b.DocCount})
		}
	}
	search.SortFacetValues(out)
	return out
}

func (r *insightsResp) insights(size int) catalog.Insights {
	a := &r.Aggregations
	out := catalog.Insights{
		Total:      r.Hits.Total.Value,
		Partners:   a.Partners.values(),
		Categories: a.Categories.values(),
		Grades:     a.Grades.values(),
		Prices:     []catalog.PriceStats{},
		Offers:     catalog.OfferOverlap{WithKey: a.WithKey.DocCount, Shared: []catalog.SharedOffer{}},
	}
	for _, cb := range a.Prices.Buckets {
		for _, b := range cb.Cur.Buckets {
			if b.Stats.Count == 0 || b.Stats.Min == nil || b.Stats.Max == nil {
				continue
			}
			ps := catalog.PriceStats{Category: cb.Key, Currency: b.Key, Count: b.Stats.Count, Min: *b.Stats.Min, Max: *b.Stats.Max}
			for _, v := range b.Pct.Values {
				if v.Value == nil {
					continue
				}
				switch v.Key {
				case 25:
					ps.Q1 = *v.Value
				case 50:
					ps.Median = *v.Value
				case 75:
					ps.Q3 = *v.Value
				}
			}
			out.Prices = append(out.Prices, ps)
		}
	}
	sort.Slice(out.Prices, func(i, j int) bool {
		a, b := out.Prices[i], out.Prices[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.Category != b.Category {
			return a.Category < b.Category
		}
		return a.Currency < b.Currency
	})
	out.Prices = out.Prices[:min(len(out.Prices), size)]
	for _, b := range a.Shared.Buckets {
		if b.Partners.Value >= 2 {
			out.Offers.Shared = append(out.Offers.Shared, catalog.SharedOffer{Key: b.Key, Partners: b.Partners.Value, Products: b.DocCount})
		}
	}
	search.SortSharedOffers(out.Offers.Shared)
	out.Offers.Shared = out.Offers.Shared[:min(len(out.Offers.Shared), size)]
	return out
}

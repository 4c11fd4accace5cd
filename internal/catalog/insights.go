package catalog

import "slices"

// The operator's insights over the indexed products: the aggregations of
// Index.Insights. Both engines compute them from the same documents, so the
// conformance suite checks them on each.

// DefaultInsightsSize and MaxInsightsSize bound the lists of an Insights.
const (
	DefaultInsightsSize = 20
	MaxInsightsSize     = 100
)

// InsightsQuery asks Index.Insights for the aggregations of the documents
// matching Filters.
type InsightsQuery struct {
	Filters Filters `json:"filters"`
	// Size bounds each list (partners, categories, price groups, shared
	// offers): 0 = DefaultInsightsSize.
	Size int `json:"size,omitempty"`
}

// Validate checks q and sets its default size.
func (q *InsightsQuery) Validate() error {
	if q.Size == 0 {
		q.Size = DefaultInsightsSize
	}
	if q.Size < 1 || q.Size > MaxInsightsSize {
		return Errorf(CodeInvalid, "size must be between 1 and %d", MaxInsightsSize)
	}
	for _, g := range q.Filters.Grades {
		if !ValidGrade(g) {
			return Errorf(CodeInvalid, "grade %q is not one of A, B, C, D, E", g)
		}
	}
	return nil
}

// Insights are the aggregations of the documents an InsightsQuery matched.
type Insights struct {
	Total int `json:"total"` // documents matched
	// Partners, Categories (top-level category paths) and Grades count the
	// documents per value, most first (ties by value), at most Size of
	// each; Grades lists every grade present.
	Partners   []FacetValue `json:"partners"`
	Categories []FacetValue `json:"categories"`
	Grades     []FacetValue `json:"grades"`
	// Prices are the price distributions per top-level category and
	// currency, the groups with most priced products first, at most Size.
	Prices []PriceStats `json:"prices"`
	// Offers tells how many products share an offer key with another
	// partner's.
	Offers OfferOverlap `json:"offers"`
}

// PriceStats is the distribution of the prices of one category in one
// currency: min, quartiles and max. Quartiles are exact on the embedded
// engine and estimated (t-digest) on OpenSearch, exact there too for small
// groups.
type PriceStats struct {
	Category string  `json:"category"`
	Currency string  `json:"currency"`
	Count    int     `json:"count"`
	Min      float64 `json:"min"`
	Q1       float64 `json:"q1"`
	Median   float64 `json:"median"`
	Q3       float64 `json:"q3"`
	Max      float64 `json:"max"`
}

// OfferOverlap is how offers of the same product (Product.OfferKey) spread
// across partners.
type OfferOverlap struct {
	// WithKey counts the documents that have an offer key.
	WithKey int `json:"with_key"`
	// Shared are the offer keys held by two partners or more with the
	// most products, at most Size: most products first, then most
	// partners, then by key. On OpenSearch the keys are chosen among the
	// 4×Size with most products, and partners above 100 are estimates.
	Shared []SharedOffer `json:"shared"`
}

// SharedOffer is one offer key held by several partners.
type SharedOffer struct {
	Key      string `json:"key"`
	Partners int    `json:"partners"`
	Products int    `json:"products"`
}

// Clone returns a copy of in that shares no slice with it.
func (in Insights) Clone() Insights {
	in.Partners = slices.Clone(in.Partners)
	in.Categories = slices.Clone(in.Categories)
	in.Grades = slices.Clone(in.Grades)
	in.Prices = slices.Clone(in.Prices)
	in.Offers.Shared = slices.Clone(in.Offers.Shared)
	return in
}

package catalog

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits on a Query, enforced by Validate before any engine sees it.
const (
	MaxQueryLength = 256   // runes of text
	MaxPageSize    = 100   // hits per page
	MaxResultDepth = 10000 // (page-1)*size + size: deeper pages need a cursor
	DefaultSize    = 20
	MaxFacetSize   = 100
	// DefaultFacetSize is how many values each facet returns by default.
	DefaultFacetSize = 10
	// MaxFacets caps how many facets one query asks for.
	MaxFacets = 20
	// MaxSuggestSize caps the suggestions of one autocomplete request.
	MaxSuggestSize = 20
)

// Sort orders of search results.
const (
	SortRelevance = "relevance"
	SortPriceAsc  = "price_asc"
	SortPriceDesc = "price_desc"
	SortNewest    = "newest"
	SortName      = "name"
)

// GroupOffers is the Query.Group that makes one hit of every product's
// offers: the products with the same offer key (Product.OfferKey) count as
// one, shown by the first of them in the query's order (a product without
// an offer key is a group of its own).
const GroupOffers = "offers"

// Facet names a Query can count (Query.Facets), besides an attribute's:
// FacetAttrPrefix followed by the attribute's name, e.g. "attr.Color".
// Result.Facets is keyed by the same names.
const (
	FacetBrand    = "brand"
	FacetCategory = "category"
	FacetPartner  = "partner"
	FacetCurrency = "currency"
	FacetPrice    = "price" // bands of PriceRanges (internal/search), in Result.PriceCurrency
	FacetGrade    = "grade" // Product.Quality.Grade
	// FacetAvailability counts Product.Availability (InStock, Backorder,
	// OutOfStock); products without one are not counted.
	FacetAvailability = "availability"
	// FacetLeadTime counts products shipping within each of LeadTimeBands
	// ("7": a lead time of 7 days or less); a product counts in every band
	// it ships within.
	FacetLeadTime = "lead_time"
	// FacetAttrPrefix starts the facet (and the API's filter parameter)
	// of a product attribute or variant option.
	FacetAttrPrefix = "attr."
)

// FacetNames lists the named facets (not the attribute ones), in the order
// messages name them.
func FacetNames() []string {
	return []string{FacetBrand, FacetCategory, FacetPartner, FacetCurrency, FacetPrice, FacetGrade,
		FacetAvailability, FacetLeadTime}
}

// ValidFacet reports whether name is a facet a Query can ask for: one of
// FacetNames, or FacetAttrPrefix and an attribute's name.
func ValidFacet(name string) bool {
	if attr, ok := strings.CutPrefix(name, FacetAttrPrefix); ok {
		return attr != ""
	}
	return slices.Contains(FacetNames(), name)
}

// Query is an engine-neutral search request. The text is never parsed as
// query syntax by any engine.
type Query struct {
	Text    string   `json:"q"`
	Filters Filters  `json:"filters"`
	Facets  []string `json:"facets,omitempty"` // fields to count: FacetNames, or FacetAttrPrefix+name
	Sort    string   `json:"sort,omitempty"`
	Page    int      `json:"page,omitempty"` // 1-based
	Size    int      `json:"size,omitempty"`
	// FacetSize is how many values each facet returns (most frequent first).
	FacetSize int `json:"facet_size,omitempty"`
	// Cursor pages deeper than MaxResultDepth: "*" starts, and each
	// Result.NextCursor continues where that page ended. With a cursor,
	// Page must be 1. Cursors are opaque and belong to one engine.
	Cursor string `json:"cursor,omitempty"`
	// Group is "" (every product is a hit) or GroupOffers: Total and the
	// pages then count groups, each Hit carries its Group, and the facets
	// still count products. A grouped query pages by page, not by cursor.
	Group string `json:"group,omitempty"`
}

// CursorStart is the Cursor that starts cursor paging.
const CursorStart = "*"

// MaxCursorLength caps the length of a cursor.
const MaxCursorLength = 2048

// Filters narrow a search. Values within one filter are OR-ed; filters are
// AND-ed together.
type Filters struct {
	Partners   []string `json:"partner,omitempty"`
	Brands     []string `json:"brand,omitempty"`
	Categories []string `json:"category,omitempty"` // a path "A > B" matches it and its subtree
	PriceMin   *Decimal `json:"price_min,omitempty"`
	PriceMax   *Decimal `json:"price_max,omitempty"`
	Currency   string   `json:"currency,omitempty"`
	Grades     []string `json:"grade,omitempty"`     // quality grades A-E
	OfferKeys  []string `json:"offer_key,omitempty"` // Product.OfferKey values
	// Availability keeps products of these availabilities (InStock, ...).
	Availability []string `json:"availability,omitempty"`
	// LeadTime keeps products shipping within one of these bands of
	// LeadTimeBands ("7": 7 days or less).
	LeadTime   []string            `json:"lead_time,omitempty"`
	Attributes map[string][]string `json:"attributes,omitempty"`
}

// Result is one page of hits.
type Result struct {
	// Total is exact when TotalExact, else a lower bound.
	Total      int                     `json:"total"`
	TotalExact bool                    `json:"total_exact"`
	Hits       []Hit                   `json:"hits"`
	Facets     map[string][]FacetValue `json:"facets,omitempty"`
	Page       int                     `json:"page"`
	Size       int                     `json:"size"`
	TookMS     float64                 `json:"took_ms"`
	// Relaxed says that no product matched every word of the text and the
	// hits are partial matches: products matching most of the words, all
	// but Dropped (see docs/search.md, the relaxed pass).
	Relaxed bool     `json:"relaxed,omitempty"`
	Dropped []string `json:"dropped,omitempty"`
	// PriceCurrency is the currency of the "price" facet's bands: the
	// currency filter, or else the currency most priced hits carry. Bands
	// never add amounts of different currencies; a band picked by a buyer
	// is a price range in this currency.
	PriceCurrency string `json:"price_currency,omitempty"`
	// Suggestion is a "did you mean" text, set only when there are no hits
	// and a close spelling of the query's words would have some.
	Suggestion string `json:"suggestion,omitempty"`
	// NextCursor continues a cursor query after this page; empty on the
	// last page or without a cursor.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Suggestion kinds.
const (
	SuggestName     = "name"
	SuggestBrand    = "brand"
	SuggestCategory = "category"
)

// Suggestion is one autocomplete proposal.
type Suggestion struct {
	Text string `json:"text"`
	Kind string `json:"kind"` // name, brand or category
}

// Hit is one matching product.
type Hit struct {
	Product    Product             `json:"product"`
	Score      float64             `json:"score"`
	Highlights map[string][]string `json:"highlights,omitempty"`
	// Group is set on the hits of a grouped query (Query.Group): the
	// offers of the hit's product that match the query.
	Group *HitGroup `json:"group,omitempty"`
}

// HitGroup is the group a hit of a grouped query stands for.
type HitGroup struct {
	// Offers is how many products of the group match the query (the hit's
	// product included): 1 for a product offered by its partner only.
	Offers int `json:"offers"`
	// MinPrice is the price of the cheapest priced offer among them (in
	// the engines' price order, as SortPriceAsc); nil when none has one.
	MinPrice *Money `json:"min_price,omitempty"`
}

// FacetValue is one value of a facet and how many hits carry it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
	// Label is what buyers read for Value when it is not Value itself: the
	// partner facet's display names, set by the API; empty otherwise.
	Label string `json:"label,omitempty"`
}

// Validate fills defaults and checks limits, returning CodeInvalid with a
// message naming the offending parameter.
func (q *Query) Validate() error {
	for _, check := range []func() error{q.checkText, q.checkPaging, q.checkSort, q.checkFacets, q.checkFilters, q.checkGroup} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// checkText: the text is valid UTF-8 and not too long.
func (q *Query) checkText() error {
	if utf8.RuneCountInString(q.Text) > MaxQueryLength {
		return Errorf(CodeInvalid, "q is longer than %d characters", MaxQueryLength)
	}
	if !utf8.ValidString(q.Text) {
		return Errorf(CodeInvalid, "q is not valid UTF-8")
	}
	return nil
}

// checkPaging defaults the page and its size, and keeps them (or the
// cursor) in bounds.
func (q *Query) checkPaging() error {
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Size == 0 {
		q.Size = DefaultSize
	}
	switch {
	case q.Page < 1:
		return Errorf(CodeInvalid, "page must be 1 or more")
	case q.Size < 1 || q.Size > MaxPageSize:
		return Errorf(CodeInvalid, "size must be between 1 and %d", MaxPageSize)
	case len(q.Cursor) > MaxCursorLength:
		return Errorf(CodeInvalid, "cursor is not valid")
	case q.Cursor != "" && q.Page != 1:
		return Errorf(CodeInvalid, "page cannot be combined with cursor")
	case q.Cursor == "" && q.Page*q.Size > MaxResultDepth:
		return Errorf(CodeInvalid, "page %d of size %d is deeper than %d results", q.Page, q.Size, MaxResultDepth)
	}
	return nil
}

// checkSort defaults the order to relevance and knows the others.
func (q *Query) checkSort() error {
	switch q.Sort {
	case "":
		q.Sort = SortRelevance
	case SortRelevance, SortPriceAsc, SortPriceDesc, SortNewest, SortName:
	default:
		return Errorf(CodeInvalid, "sort must be one of relevance, price_asc, price_desc, newest, name")
	}
	return nil
}

// checkFacets defaults the facet size and checks the facets asked for.
func (q *Query) checkFacets() error {
	if q.FacetSize == 0 {
		q.FacetSize = DefaultFacetSize
	}
	if q.FacetSize < 1 || q.FacetSize > MaxFacetSize {
		return Errorf(CodeInvalid, "facet_size must be between 1 and %d", MaxFacetSize)
	}
	if len(q.Facets) > MaxFacets {
		return Errorf(CodeInvalid, "at most %d facets", MaxFacets)
	}
	for _, f := range q.Facets {
		if !ValidFacet(f) {
			return Errorf(CodeInvalid, "facet %q is not one of %s, %s<name>", f, strings.Join(FacetNames(), ", "), FacetAttrPrefix)
		}
	}
	return nil
}

// checkFilters checks the grades, availabilities, lead-time bands and the
// price range.
func (q *Query) checkFilters() error {
	for _, g := range q.Filters.Grades {
		if !ValidGrade(g) {
			return Errorf(CodeInvalid, "grade %q is not one of A, B, C, D, E", g)
		}
	}
	for _, a := range q.Filters.Availability {
		if !ValidAvailability(a) {
			return Errorf(CodeInvalid, "availability %q is not one of %s", a, strings.Join(Availabilities(), ", "))
		}
	}
	for _, b := range q.Filters.LeadTime {
		if !ValidLeadTime(b) {
			return Errorf(CodeInvalid, "lead_time %q is not one of %s", b, strings.Join(LeadTimeValues(1), ", "))
		}
	}
	if q.Filters.PriceMin != nil && q.Filters.PriceMax != nil && q.Filters.PriceMin.Cmp(*q.Filters.PriceMax) > 0 {
		return Errorf(CodeInvalid, "price_min is greater than price_max")
	}
	return nil
}

// checkGroup knows the groupings; a grouped query has no cursor (the
// engines' collapse pages by offset only).
func (q *Query) checkGroup() error {
	switch {
	case q.Group != "" && q.Group != GroupOffers:
		return Errorf(CodeInvalid, "group must be %s", GroupOffers)
	case q.Group != "" && q.Cursor != "":
		return Errorf(CodeInvalid, "group cannot be combined with cursor")
	}
	return nil
}

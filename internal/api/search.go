package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// DefaultFacets are counted when a search names none.
const DefaultFacets = catalog.FacetBrand + "," + catalog.FacetCategory + "," + catalog.FacetPartner

func (a *API) search(w http.ResponseWriter, r *http.Request) error {
	v, err := queryValues(r)
	if err != nil {
		return err
	}
	q, err := ParseQuery(v)
	if err != nil {
		return err
	}
	start := time.Now()
	res, err := a.deps.Index.Search(r.Context(), q)
	if err != nil {
		return err
	}
	if res.TookMS == 0 {
		res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	}
	if res.Hits == nil {
		res.Hits = []catalog.Hit{}
	}
	a.nameResult(r.Context(), &res)
	a.recordSearch(q, res.Total)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// MaxFilterValues caps the values of one repeated filter (brand=,
// category=, partner=, grade=, availability=, lead_time=, attr.NAME=) in a
// search.
const MaxFilterValues = 100

// queryValues parses the request's query string. A query string the
// parser cannot read whole (a bad escape; more parameters than it takes,
// when it would drop them all) is CodeInvalid: a search must never run
// without the filters it was sent. (r.URL.Query drops such errors.)
func queryValues(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, catalog.Errorf(catalog.CodeInvalid, "the query string cannot be read: %v", err)
	}
	return v, nil
}

// ParseQuery turns search URL parameters into a validated catalog.Query.
// catalogctl search builds the same parameters, so both share this parser.
// It refuses exactly what internal/api/openapi.json refuses: a parameter
// that is present must hold a valid value (an empty size=, sort= or
// cursor= is no value, not the default).
func ParseQuery(v url.Values) (catalog.Query, error) {
	var q catalog.Query
	// The length limit is on the text as sent, before any trimming.
	raw := v.Get("q")
	if !utf8.ValidString(raw) {
		return q, catalog.Errorf(catalog.CodeInvalid, "q is not valid UTF-8")
	}
	if utf8.RuneCountInString(raw) > catalog.MaxQueryLength {
		return q, catalog.Errorf(catalog.CodeInvalid, "q is longer than %d characters", catalog.MaxQueryLength)
	}
	// Leading spaces go; a trailing one stays: it tells that the last word
	// is complete (no longer matched as a prefix).
	q.Text = strings.TrimLeftFunc(raw, unicode.IsSpace)
	if t := strings.TrimRightFunc(q.Text, unicode.IsSpace); t != q.Text && t != "" {
		q.Text = t + " "
	} else {
		q.Text = t
	}
	var err error
	if q.Page, err = intParam(v, "page", 1, 1, catalog.MaxResultDepth); err != nil {
		return q, err
	}
	if q.Size, err = intParam(v, "size", catalog.DefaultSize, 1, catalog.MaxPageSize); err != nil {
		return q, err
	}
	if q.FacetSize, err = intParam(v, "facet_size", catalog.DefaultFacetSize, 1, catalog.MaxFacetSize); err != nil {
		return q, err
	}
	if vals, ok := v["sort"]; ok {
		if q.Sort = vals[0]; q.Sort == "" {
			return q, catalog.Errorf(catalog.CodeInvalid, "sort must be one of relevance, price_asc, price_desc, newest, name")
		}
	}
	if vals, ok := v["cursor"]; ok {
		if q.Cursor = vals[0]; !validCursor(q.Cursor) {
			return q, catalog.Errorf(catalog.CodeInvalid, "cursor is not valid")
		}
	}
	if vals, ok := v["group"]; ok {
		if q.Group = vals[0]; q.Group != catalog.GroupOffers {
			return q, catalog.Errorf(catalog.CodeInvalid, "group must be %s", catalog.GroupOffers)
		}
	}
	for name, vals := range v {
		if len(vals) > MaxFilterValues {
			return q, catalog.Errorf(catalog.CodeInvalid, "%s is given %d times: at most %d values per filter", name, len(vals), MaxFilterValues)
		}
	}
	q.Filters.Partners = nonEmpty(v["partner"])
	q.Filters.Brands = nonEmpty(v["brand"])
	q.Filters.Categories = nonEmpty(v["category"])
	q.Filters.Currency = strings.ToUpper(strings.TrimSpace(v.Get("currency")))
	// Grades are A to E exactly, as documented (Validate checks them).
	q.Filters.Grades = v["grade"]
	// Availabilities and lead-time bands too (Validate checks them).
	q.Filters.Availability = v["availability"]
	q.Filters.LeadTime = v["lead_time"]
	if q.Filters.PriceMin, err = priceParam(v, "price_min"); err != nil {
		return q, err
	}
	if q.Filters.PriceMax, err = priceParam(v, "price_max"); err != nil {
		return q, err
	}
	for key, vals := range v {
		name, ok := strings.CutPrefix(key, catalog.FacetAttrPrefix)
		if !ok {
			continue
		}
		if name == "" {
			return q, catalog.Errorf(catalog.CodeInvalid, "%s needs an attribute name", catalog.FacetAttrPrefix)
		}
		if q.Filters.Attributes == nil {
			q.Filters.Attributes = map[string][]string{}
		}
		q.Filters.Attributes[name] = nonEmpty(vals)
	}
	// facets: absent = the default ones; empty = none; else names
	// separated by single commas (Validate checks the names and count).
	facets := DefaultFacets
	if vals, ok := v["facets"]; ok {
		facets = vals[0]
	}
	if facets != "" {
		q.Facets = strings.Split(facets, ",")
	}
	return q, q.Validate()
}

// validCursor tells whether s has the shape of a cursor: "*", or a
// base64url token of at most catalog.MaxCursorLength characters (the
// engine then checks that it is one it made).
func validCursor(s string) bool {
	if s == catalog.CursorStart {
		return true
	}
	if s == "" || len(s) > catalog.MaxCursorLength {
		return false
	}
	for _, r := range s {
		if !base64URLRune(r) {
			return false
		}
	}
	return true
}

func base64URLRune(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_'
}

func nonEmpty(vals []string) []string {
	var out []string
	for _, s := range vals {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// intParam reads integer parameter name: absent = def; present, a whole
// number from lo to hi (an empty value is none).
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	vals, ok := v[name]
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil || n < lo || n > hi || !allDigits(vals[0]) {
		return 0, catalog.Errorf(catalog.CodeInvalid, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

// Prices in a search: up to 12 digits, then optionally a point and 1 to
// 6 decimals (the pattern of price_min and price_max in openapi.json).
const (
	maxPriceDigits   = 12
	maxPriceDecimals = catalog.MaxDecimalScale
)

// priceParam reads price parameter name: absent = nil; present, a
// non-negative decimal like 12.50.
func priceParam(v url.Values, name string) (*catalog.Decimal, error) {
	vals, ok := v[name]
	if !ok {
		return nil, nil
	}
	s := vals[0]
	whole, frac, point := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxPriceDigits || !allDigits(whole) ||
		(point && (frac == "" || len(frac) > maxPriceDecimals || !allDigits(frac))) {
		return nil, catalog.Errorf(catalog.CodeInvalid, "%s must be a non-negative number like 12.50 (at most %d digits before the point and %d after)", name, maxPriceDigits, maxPriceDecimals)
	}
	d, err := catalog.ParseDecimal(s)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

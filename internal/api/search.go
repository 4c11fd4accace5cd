package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

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
	writeJSON(w, http.StatusOK, res)
	return nil
}

// MaxFilterValues caps the values of one repeated filter (brand=,
// category=, partner=, grade=, attr.NAME=) in a search.
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
func ParseQuery(v url.Values) (catalog.Query, error) {
	var q catalog.Query
	// Leading spaces go; a trailing one stays: it tells that the last word
	// is complete (no longer matched as a prefix).
	q.Text = strings.TrimLeftFunc(v.Get("q"), unicode.IsSpace)
	if t := strings.TrimRightFunc(q.Text, unicode.IsSpace); t != q.Text && t != "" {
		q.Text = t + " "
	} else {
		q.Text = t
	}
	var err error
	if q.Page, err = intParam(v.Get("page"), 1, 1, catalog.MaxResultDepth, "page"); err != nil {
		return q, err
	}
	if q.Size, err = intParam(v.Get("size"), catalog.DefaultSize, 1, catalog.MaxPageSize, "size"); err != nil {
		return q, err
	}
	q.Sort = v.Get("sort")
	q.Cursor = v.Get("cursor")
	if q.FacetSize, err = intParam(v.Get("facet_size"), catalog.DefaultFacetSize, 1, catalog.MaxFacetSize, "facet_size"); err != nil {
		return q, err
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
	for _, g := range nonEmpty(v["grade"]) {
		q.Filters.Grades = append(q.Filters.Grades, strings.ToUpper(g))
	}
	if q.Filters.PriceMin, err = decimalParam(v.Get("price_min"), "price_min"); err != nil {
		return q, err
	}
	if q.Filters.PriceMax, err = decimalParam(v.Get("price_max"), "price_max"); err != nil {
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
	facets := DefaultFacets
	if _, ok := v["facets"]; ok {
		facets = v.Get("facets")
	}
	for f := range strings.SplitSeq(facets, ",") {
		if f = strings.TrimSpace(f); f != "" {
			q.Facets = append(q.Facets, f)
		}
	}
	// Validate checks the facet names and count, like every other limit.
	return q, q.Validate()
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

func intParam(s string, def, lo, hi int, name string) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, catalog.Errorf(catalog.CodeInvalid, "%s must be a whole number from %d to %d", name, lo, hi)
	}
	return n, nil
}

func decimalParam(s, name string) (*catalog.Decimal, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	d, err := catalog.ParseDecimal(s)
	if err != nil || d.Units < 0 {
		return nil, catalog.Errorf(catalog.CodeInvalid, "%s must be a non-negative number like 12.50", name)
	}
	return &d, nil
}

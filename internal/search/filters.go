package search

import (
	"sort"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Fields of the index documents, named alike in both engines: the fields a
// Doc fills, which queries, filters, facets and sorts name. An engine may
// add its own (stored sources, sort keys).
const (
	FieldName        = "name"        // Doc.Name, stemmed: exact words of the name, highlighting
	FieldNameFold    = "name_fold"   // Doc.Name, folded but not stemmed: typos and prefixes
	FieldLabel       = "label"       // Doc.Labels (brand, categories), stemmed
	FieldLabelFold   = "label_fold"  // Doc.Labels, folded
	FieldDescription = "description" // Doc.Description, stemmed (exact words only)
	FieldAttrText    = "attr_text"   // Doc.AttrText (attribute and option values), stemmed
	FieldAttrFold    = "attr_fold"   // Doc.AttrText, folded
	FieldFold        = "fold"        // Doc.Fold, every folded field in one: suggestions
	FieldSpell       = "spell"       // Doc.Spell, folded but not stemmed: "did you mean" candidates
	FieldIDs         = "ids"         // Doc.IDs: normalised SKU, GTIN, supplier reference, variants'
	FieldBrand       = "brand"       // exact brand: filter and facet
	FieldPartner     = "partner"
	FieldCategory    = "category" // Doc.Categories, every ancestor path: subtree filter
	FieldCurrency    = "currency"
	FieldGrade       = "grade"     // Product.Quality.Grade: filter and facet
	FieldOfferKey    = "offer_key" // Product.OfferKey: the offers of one product
	FieldGroup       = "group"     // GroupKey: what a query grouped by offers collapses on
	// FieldAvailability is Product.Availability: filter and facet.
	FieldAvailability = "availability"
	// FieldLeadTime holds catalog.LeadTimeValues of Product.LeadTimeDays:
	// every "ships within N days" band the product is in (filter and facet).
	FieldLeadTime = "lead_time"
	FieldNameSort = "name_sort"
	FieldPrice    = "price"
	FieldUpdated  = "updated"
)

// Filter is one filter of a query in engine-neutral terms: a document
// passes when its Field holds one of Values, or, for the price filter
// (Range), when its price lies within [Min, Max].
type Filter struct {
	// Dimension is the facet whose counts leave the filter out
	// (FacetDimension); "" for a filter no facet leaves out (offer keys).
	Dimension string
	Field     string
	Values    []string
	// Range marks the price filter; Min and Max bound it, nil for no bound
	// on that side, both inclusive.
	Range    bool
	Min, Max *float64
}

// Filters returns the filters of f, in a fixed order (partner, brand,
// category, price, currency, grade, availability, lead time, offer keys,
// attributes by name),
// without the one whose Dimension is skip ("" leaves none out: the hits'
// filters; a FacetDimension: that facet's counts, multi-select).
// Category filters are normalised (NormalizeCategory) and the currency
// upper-cased, as they are indexed.
func Filters(f catalog.Filters, skip string) []Filter {
	var out []Filter
	anyOf := func(dim, field string, values []string) {
		if len(values) > 0 && (dim == "" || dim != skip) {
			out = append(out, Filter{Dimension: dim, Field: field, Values: values})
		}
	}
	anyOf(catalog.FacetPartner, FieldPartner, f.Partners)
	anyOf(catalog.FacetBrand, FieldBrand, f.Brands)
	if len(f.Categories) > 0 {
		cats := make([]string, 0, len(f.Categories))
		for _, c := range f.Categories {
			cats = append(cats, NormalizeCategory(c))
		}
		anyOf(catalog.FacetCategory, FieldCategory, cats)
	}
	if skip != catalog.FacetPrice && (f.PriceMin != nil || f.PriceMax != nil) {
		r := Filter{Dimension: catalog.FacetPrice, Field: FieldPrice, Range: true}
		if f.PriceMin != nil {
			v := f.PriceMin.Float64()
			r.Min = &v
		}
		if f.PriceMax != nil {
			v := f.PriceMax.Float64()
			r.Max = &v
		}
		out = append(out, r)
	}
	if f.Currency != "" {
		anyOf(catalog.FacetCurrency, FieldCurrency, []string{strings.ToUpper(f.Currency)})
	}
	anyOf(catalog.FacetGrade, FieldGrade, f.Grades)
	anyOf(catalog.FacetAvailability, FieldAvailability, f.Availability)
	anyOf(catalog.FacetLeadTime, FieldLeadTime, f.LeadTime)
	anyOf("", FieldOfferKey, f.OfferKeys)
	names := make([]string, 0, len(f.Attributes))
	for name := range f.Attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		field := AttrField(name)
		anyOf(field, field, f.Attributes[name])
	}
	return out
}

// Filtered reports whether f filters on the dimension d (a FacetDimension).
func Filtered(f catalog.Filters, d string) bool {
	for _, c := range Filters(f, "") {
		if c.Dimension == d && d != "" {
			return true
		}
	}
	return false
}

// FacetDimension returns the filter dimension a facet leaves out of its
// counts: the facet's name, or the attribute's field (AttrField) for an
// attribute facet "attr.<name>".
func FacetDimension(facet string) string {
	if name, ok := strings.CutPrefix(facet, catalog.FacetAttrPrefix); ok {
		return AttrField(name)
	}
	return facet
}

// FacetField returns the field a facet counts: the facet's field, or the
// attribute's field for "attr.<name>". The price facet counts FieldPrice
// in bands (PriceRanges), the category facet every ancestor path.
func FacetField(facet string) string {
	switch facet {
	case catalog.FacetBrand:
		return FieldBrand
	case catalog.FacetPartner:
		return FieldPartner
	case catalog.FacetCategory:
		return FieldCategory
	case catalog.FacetCurrency:
		return FieldCurrency
	case catalog.FacetGrade:
		return FieldGrade
	case catalog.FacetAvailability:
		return FieldAvailability
	case catalog.FacetLeadTime:
		return FieldLeadTime
	case catalog.FacetPrice:
		return FieldPrice
	}
	return AttrField(strings.TrimPrefix(facet, catalog.FacetAttrPrefix))
}

// NormalizeCategory writes a category filter ("A>B", "A  >  B") the way
// paths are indexed: "A > B" (catalog.CategoryString).
func NormalizeCategory(c string) string {
	parts := strings.Split(c, ">")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return catalog.CategoryString(parts)
}

// SortFacetValues puts a facet's values in the engine-neutral order:
// count descending, then value. (The price facet keeps its band order
// instead.)
func SortFacetValues(vals []catalog.FacetValue) {
	sort.SliceStable(vals, func(i, j int) bool {
		if vals[i].Count != vals[j].Count {
			return vals[i].Count > vals[j].Count
		}
		return vals[i].Value < vals[j].Value
	})
}

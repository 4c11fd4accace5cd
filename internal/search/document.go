package search

import (
	"maps"
	"slices"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Doc is what a product becomes in an index; both engines index the same
// fields, so they search the same words, each class of text in its own
// fields with its own weight (TextFields).
type Doc struct {
	// Name is the product's name, then the joined forms of the quantities
	// and model numbers it holds (search.Measures), indexed stemmed
	// (FieldName) and folded (FieldNameFold).
	Name []string
	// Labels are the brand and the category names (the product's own path
	// and its other categories), indexed stemmed and folded.
	Labels []string
	// Description is the description and its measures, indexed stemmed
	// only (exact word matches).
	Description []string
	// AttrText holds the values of the attributes and variant options that
	// are product text (not IsMetadata), and their measures, indexed
	// stemmed and folded.
	AttrText []string
	// Fold is every searched folded text in one field (name, labels,
	// attributes): the words autocomplete suggestions match.
	Fold []string
	// Spell is the name, brand and category names, indexed folded but not
	// stemmed and never searched: the words "did you mean" may propose,
	// each weighted by how many products hold it (search.Correction). Not
	// the description nor the attributes: a word common there (platform
	// tags, SEO text) is not what a buyer looks for by name.
	Spell []string
	// Brand is the brand as it is (filter and facet).
	Brand string
	// IDs are the normalised identifiers: SKU, GTIN, supplier reference,
	// key, variant SKUs and GTINs.
	IDs []string
	// Categories are every ancestor path "A", "A > B", ... (subtree filter
	// and hierarchical facet).
	Categories []string
	// Attrs maps AttrField names (without catalog.FacetAttrPrefix) to values,
	// metadata included (filters and facets).
	Attrs map[string][]string
	// NameSort is the folded name.
	NameSort string
	// Price and Currency are set when HasPrice.
	Price    float64
	Currency string
	HasPrice bool
	// Updated is UpdatedAt in unix seconds.
	Updated int64
	// Partner, Grade (Product.Quality.Grade), Availability and OfferKey
	// are filters and facets as they are.
	Partner, Grade, Availability, OfferKey string
	// LeadTime are the lead-time bands the product ships within
	// (catalog.LeadTimeValues).
	LeadTime []string
	// Group is GroupKey of the product, never empty.
	Group string
}

// GroupKey is the value a query grouped by offers (catalog.GroupOffers)
// collapses on: the product's offer key, or for a product without one its
// own ID (a group of its own; an engine's collapse would put every product
// without the field in one group).
func GroupKey(p catalog.Product) string {
	if p.OfferKey != "" {
		return p.OfferKey
	}
	return "id:" + p.ID
}

// Fields returns the fields of d that both engines index under the same
// names (search.Field*), for an engine to add its own to: every one but
// FieldUpdated, which each engine writes its own way, and "attr" holding
// Attrs. A brand, price, currency, grade, availability, lead time or offer
// key is left out when the product has none.
func (d Doc) Fields() map[string]any {
	m := map[string]any{
		FieldName:        d.Name,
		FieldNameFold:    d.Name,
		FieldLabel:       d.Labels,
		FieldLabelFold:   d.Labels,
		FieldDescription: d.Description,
		FieldAttrText:    d.AttrText,
		FieldAttrFold:    d.AttrText,
		FieldFold:        d.Fold,
		FieldSpell:       d.Spell,
		FieldIDs:         d.IDs,
		FieldPartner:     d.Partner,
		FieldCategory:    d.Categories,
		FieldNameSort:    d.NameSort,
		FieldGroup:       d.Group,
	}
	if d.Brand != "" {
		m[FieldBrand] = d.Brand
	}
	if d.HasPrice {
		m[FieldPrice] = d.Price
		m[FieldCurrency] = d.Currency
	}
	if d.Grade != "" {
		m[FieldGrade] = d.Grade
	}
	if d.Availability != "" {
		m[FieldAvailability] = d.Availability
	}
	if len(d.LeadTime) > 0 {
		m[FieldLeadTime] = d.LeadTime
	}
	if d.OfferKey != "" {
		m[FieldOfferKey] = d.OfferKey
	}
	if len(d.Attrs) > 0 {
		m["attr"] = d.Attrs
	}
	return m
}

// NewDoc builds the Doc of p.
func NewDoc(p catalog.Product) Doc {
	d := Doc{
		Name:       []string{p.Name},
		Brand:      p.Brand,
		IDs:        Identifiers(p),
		Categories: CategoryPaths(p.Category),
		NameSort:   Fold(p.Name),
		Updated:    p.UpdatedAt.Unix(),
		Partner:    p.Partner,
		OfferKey:   p.OfferKey,
		Group:      GroupKey(p),
		LeadTime:   catalog.LeadTimeValues(p.LeadTimeDays),
	}
	// Availability as the file said it; any other value is left out.
	if catalog.ValidAvailability(p.Availability) {
		d.Availability = p.Availability
	}
	if p.Quality != nil {
		d.Grade = p.Quality.Grade
	}
	if p.Brand != "" {
		d.Labels = append(d.Labels, p.Brand)
	}
	d.Labels = append(d.Labels, p.Category...)
	if p.Description != "" {
		d.Description = []string{p.Description}
	}
	d.Fold = append([]string{p.Name, p.Brand}, p.Category...)
	d.Spell = slices.Clone(d.Fold)
	// Quantities and model numbers, written one way in the product and
	// another in a query, meet on their joined forms (search.Measures), in
	// the class of text they were found in.
	measures := func(text string, into *[]string, fold bool) {
		if m := Measures(text); len(m) > 0 {
			j := strings.Join(m, " ")
			*into = append(*into, j)
			if fold {
				d.Fold = append(d.Fold, j)
			}
		}
	}
	measures(p.Name, &d.Name, true)
	measures(p.Description, &d.Description, false)
	add := func(name, value string) {
		if name == "" || value == "" {
			return
		}
		if d.Attrs == nil {
			d.Attrs = map[string][]string{}
		}
		key := strings.TrimPrefix(AttrField(name), catalog.FacetAttrPrefix)
		if slices.Contains(d.Attrs[key], value) {
			return
		}
		d.Attrs[key] = append(d.Attrs[key], value)
		switch {
		case IsMetadata(name):
			return // a filter and a facet, never searched
		case name == catalog.AttrOtherCategories:
			d.Labels = append(d.Labels, value)
		default:
			d.AttrText = append(d.AttrText, value)
			measures(value, &d.AttrText, true)
		}
		d.Fold = append(d.Fold, value)
	}
	for _, k := range slices.Sorted(maps.Keys(p.Attributes)) {
		add(k, p.Attributes[k])
	}
	for _, v := range p.Variants {
		for _, k := range slices.Sorted(maps.Keys(v.Options)) {
			add(k, v.Options[k])
		}
	}
	if f, ok := ProductPrice(p); ok {
		d.Price, d.Currency, d.HasPrice = f, strings.ToUpper(p.Price.Currency), true
	}
	return d
}

// Identifiers returns the normalised identifiers of p, without duplicates.
func Identifiers(p catalog.Product) []string {
	raw := []string{p.SKU, p.GTIN, p.SupplierRef, p.Key}
	for _, v := range p.Variants {
		raw = append(raw, v.SKU, v.GTIN)
	}
	out := make([]string, 0, len(raw))
	seen := map[string]bool{}
	for _, r := range raw {
		n := NormalizeIdentifier(r)
		if n != "" && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

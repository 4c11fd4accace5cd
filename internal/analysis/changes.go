package analysis

import (
	"maps"
	"slices"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// ChangedFields names the fields a buyer can see that differ between old
// and new (catalog.FieldName and the others, in their order): what a
// catalog.ProductChange lists. Prices are compared as amounts ("12.5" and
// "12.50" are one price) and currencies; the identity, source, times,
// quality and pictures (derived from the images) are not fields a partner
// changes.
func ChangedFields(old, new *catalog.Product) []string {
	var out []string
	add := func(changed bool, field string) {
		if changed {
			out = append(out, field)
		}
	}
	add(old.Name != new.Name, catalog.FieldName)
	add(old.Description != new.Description, catalog.FieldDescription)
	add(old.Brand != new.Brand, catalog.FieldBrand)
	add(!slices.Equal(old.Category, new.Category), catalog.FieldCategory)
	add(!SamePrice(old.Price, new.Price), catalog.FieldPrice)
	add(old.TaxBasis != new.TaxBasis, catalog.FieldTaxBasis)
	add(old.GTIN != new.GTIN, catalog.FieldGTIN)
	add(old.SupplierRef != new.SupplierRef, catalog.FieldSupplierRef)
	add(!slices.Equal(old.Images, new.Images), catalog.FieldImages)
	add(old.MOQ != new.MOQ || old.Unit != new.Unit || old.LeadTimeDays != new.LeadTimeDays || old.Origin != new.Origin, catalog.FieldTerms)
	add(!maps.Equal(old.Attributes, new.Attributes), catalog.FieldAttributes)
	add(!slices.EqualFunc(old.Variants, new.Variants, sameVariant), catalog.FieldVariants)
	return out
}

// SamePrice reports whether a and b are the same price: both absent, or
// equal amounts in one currency.
func SamePrice(a, b *catalog.Money) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Currency == b.Currency && a.Amount.Cmp(b.Amount) == 0
}

func sameVariant(a, b catalog.Variant) bool {
	return a.SKU == b.SKU && a.GTIN == b.GTIN && a.Image == b.Image && SamePrice(a.Price, b.Price) && maps.Equal(a.Options, b.Options)
}

// ListPrice is the price a product's history follows: its own, else its
// first priced variant's; nil when it has none.
func ListPrice(p *catalog.Product) *catalog.Money { return productPrice(p) }

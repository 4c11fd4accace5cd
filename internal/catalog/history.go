package catalog

import "time"

// ChangeKind says what an ingest did to one product.
type ChangeKind string

// Change kinds of a ProductChange.
const (
	ChangeCreated ChangeKind = "created"
	ChangeChanged ChangeKind = "changed"
	ChangeRemoved ChangeKind = "removed"
)

// Product fields a ProductChange names (ProductChange.Fields), in this
// order.
const (
	FieldName        = "name"
	FieldDescription = "description"
	FieldBrand       = "brand"
	FieldCategory    = "category"
	FieldPrice       = "price"
	FieldTaxBasis    = "tax_basis"
	FieldGTIN        = "gtin"
	FieldSupplierRef = "supplier_ref"
	FieldImages      = "images"
	FieldTerms       = "terms" // MOQ, unit, lead time, origin
	FieldAttributes  = "attributes"
	FieldVariants    = "variants"
)

// ProductChange is what one ingest (one catalog, an upload) did to one
// product: created it, removed it, or changed the fields it names. It is
// history: the store keeps it for a while (a TTL on AWS) and the partner
// area lists the changes of each upload.
type ProductChange struct {
	CatalogID string     `json:"catalog_id"`
	Partner   string     `json:"partner"`
	ProductID string     `json:"product_id"`
	Kind      ChangeKind `json:"kind"`
	// Name is the product's name (the old one for a removal), to show the
	// change without reading the product.
	Name string `json:"name,omitempty"`
	// Fields are the fields that changed (ChangeChanged only).
	Fields []string `json:"fields,omitempty"`
	// PriceBefore and PriceAfter are the product's price before and after
	// the change, where it had one: a creation has no before, a removal
	// no after.
	PriceBefore *Money    `json:"price_before,omitempty"`
	PriceAfter  *Money    `json:"price_after,omitempty"`
	At          time.Time `json:"at"`
}

// PricePoint is a product's price from an ingest on: its price history is
// the points of the changes that set it (a creation, a change of price).
type PricePoint struct {
	At        time.Time `json:"at"`
	CatalogID string    `json:"catalog_id"`
	Price     Money     `json:"price"`
}

// MaxChangesPage is the most changes one CatalogChanges call returns.
const MaxChangesPage = 1000

// ChangesPage is one page of a catalog's changes, by product ID.
type ChangesPage struct {
	Changes []ProductChange `json:"changes"`
	// Next is the product ID to pass as after for the next page; empty on
	// the last page.
	Next string `json:"next,omitempty"`
}

// PricePoint returns the point c adds to its product's price history: the
// price a creation sets, or the new price of a change of price; false for
// any other change (a removal, a change of other fields, no price).
func (c ProductChange) PricePoint() (PricePoint, bool) {
	if c.PriceAfter == nil {
		return PricePoint{}, false
	}
	switch c.Kind {
	case ChangeCreated:
	case ChangeChanged:
		priced := false
		for _, f := range c.Fields {
			priced = priced || f == FieldPrice
		}
		if !priced {
			return PricePoint{}, false
		}
	default:
		return PricePoint{}, false
	}
	return PricePoint{At: c.At, CatalogID: c.CatalogID, Price: *c.PriceAfter}, true
}

// ChangesLimit is limit as CatalogChanges takes it: MaxChangesPage when it
// is not positive or above it.
func ChangesLimit(limit int) int {
	if limit <= 0 || limit > MaxChangesPage {
		return MaxChangesPage
	}
	return limit
}

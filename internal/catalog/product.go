package catalog

import (
	"strconv"
	"strings"
	"time"
)

// Product is one clean product of a partner's catalog. Its identity is
// Partner + Key (the SKU, or the next identifier the file carries).
type Product struct {
	// ID is ProductID(Partner, Key): unique across partners, stable across
	// uploads, and the key in the store and the index.
	ID      string `json:"id"`
	Partner string `json:"partner"`
	// PartnerName is the partner's display name (its settings'
	// display_name), set by the API when it answers; never stored, not part
	// of Hash. Empty: show Partner.
	PartnerName string `json:"partner_name,omitempty"`
	// Key is the product's identity within the partner: its SKU, or where a
	// file has none the supplier reference, GTIN or the export's own ID.
	Key         string   `json:"key"`
	SKU         string   `json:"sku,omitempty"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Brand       string   `json:"brand,omitempty"`
	Category    []string `json:"category,omitempty"` // path from the root, e.g. ["Maison", "Cuisine"]
	Price       *Money   `json:"price,omitempty"`
	// TaxBasis says whether Price (and the variants' prices) exclude or
	// include VAT/sales tax, as the file's price header said: TaxExcluded,
	// TaxIncluded, or "" when it did not say.
	TaxBasis string `json:"tax_basis,omitempty"`
	// Free says that a Price of zero is the price (the product costs
	// nothing), as the partner's settings say; without it a zero amount
	// is "price on request" (files write 0 for it), which search sorts,
	// facets and filters as no price.
	Free        bool     `json:"free,omitempty"`
	GTIN        string   `json:"gtin,omitempty"` // EAN-8/UPC-A/EAN-13/GTIN-14, digits only
	SupplierRef string   `json:"supplier_ref,omitempty"`
	Images      []string `json:"images,omitempty"` // http(s) URLs, as the partner gave them
	// Pictures are the product's images as fetched, checked and resized
	// into our own storage (internal/images), in the order of Images; an
	// image that could not be fetched has none. Buyers are shown these,
	// never the partner's URLs. Not part of Hash: they derive from Images.
	Pictures []Picture `json:"pictures,omitempty"`
	// B2B sourcing attributes.
	MOQ          int    `json:"moq,omitempty"`            // minimum order quantity, in units
	Unit         string `json:"unit,omitempty"`           // sales unit ("piece", "box of 12")
	LeadTimeDays int    `json:"lead_time_days,omitempty"` // days from order to dispatch
	// Availability is InStock, Backorder or OutOfStock, as the file's
	// stock status or quantity said; "" when it said nothing.
	Availability string `json:"availability,omitempty"`
	Origin       string `json:"origin,omitempty"` // ISO 3166 country of origin
	// Tiers are the product's quantity price breaks, by ascending MinQty,
	// when the file gave them (docs/ingest.md, "Price tiers"): from MinQty
	// units on, a unit costs Price.
	Tiers []PriceTier `json:"tiers,omitempty"`
	// Attributes keeps every column the mapping did not place, by header.
	Attributes map[string]string `json:"attributes,omitempty"`
	// Variants are the rows that share this product's parent key.
	Variants []Variant `json:"variants,omitempty"`
	Source   Source    `json:"source"`
	// Quality is the product's completeness score, set at ingest.
	Quality *Quality `json:"quality,omitempty"`
	// OfferKey matches offers of the same product across partners
	// ("gtin:..." or "mpn:brand:ref"), set at ingest; empty when the
	// product has neither a valid GTIN nor a brand and part number.
	OfferKey string `json:"offer_key,omitempty"`
	// Hash is the content hash of the product's fields (not Source or times);
	// equal hashes mean nothing a buyer can see has changed.
	Hash      string    `json:"hash,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// Version increases with every write of the product; indexes use it to
	// refuse a late or replayed update that would roll a document back.
	Version int64 `json:"version"`
}

// PriceTier is one quantity price break: the unit price from MinQty units.
type PriceTier struct {
	MinQty int   `json:"min_qty"`
	Price  Money `json:"price"`
}

// Variant is one purchasable variant (size, colour, ...) of a product.
type Variant struct {
	SKU     string            `json:"sku"`
	GTIN    string            `json:"gtin,omitempty"`
	Options map[string]string `json:"options,omitempty"` // e.g. {"Size": "M", "Color": "Green"}
	Price   *Money            `json:"price,omitempty"`
	Image   string            `json:"image,omitempty"`
}

// Picture is one product image stored by us: the sizes derived from the
// original live under Key ("images/{sha256 of the original}") as
// Key + "/" + width + ".jpg", one for each of Widths.
type Picture struct {
	Source string `json:"source"` // the partner's URL it was fetched from
	Key    string `json:"key"`
	Width  int    `json:"width"`  // of the original, in pixels
	Height int    `json:"height"` // of the original, in pixels
	Widths []int  `json:"widths"` // of the derived sizes, ascending
}

// SizeKey is the blob key of the derived size of p that is width wide.
func (p Picture) SizeKey(width int) string { return p.Key + "/" + strconv.Itoa(width) + ".jpg" }

// Source says where a product was read from.
type Source struct {
	CatalogID string `json:"catalog_id"`
	File      string `json:"file,omitempty"`
	Row       int    `json:"row,omitempty"` // 1-based line or sheet row of the product's first row
}

// Tax bases of a price (Product.TaxBasis).
const (
	TaxExcluded = "excl" // "HT", "excl. VAT", "net of tax"
	TaxIncluded = "incl" // "TTC", "incl. VAT"
)

// ProductID is the ID of the product with key in partner's catalog.
func ProductID(partner, key string) string { return partner + ":" + key }

// ValidPartnerID reports whether id can name a partner: 1 to 64 of
// a-z, 0-9, '-' and '_', starting with a letter or digit. Partner IDs appear
// in storage keys, so the set is strict.
func ValidPartnerID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' || id[0] == '_' {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// AttrOtherCategories is the attribute that lists, comma-separated, the
// categories of a product beyond its first (Product.Category): category
// names, searched as such.
const AttrOtherCategories = "Other categories"

// CategoryString joins a category path with " > ".
func CategoryString(path []string) string { return strings.Join(path, " > ") }

package analysis

import (
	"strings"
	"unicode"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// OfferKey is the key that matches offers of the same product across
// partners: "gtin:" and the GTIN as 14 digits when the product (or its
// first variant) has one with a valid check digit, else "mpn:" with the
// folded brand and the normalised manufacturer part number (the supplier
// reference: letters and digits only, upper case) when it has both, else
// "" (the product is matched with nothing).
func OfferKey(p *catalog.Product) string {
	if g := productGTIN(p); ValidGTIN(g) {
		return "gtin:" + "00000000000000"[:14-len(g)] + g // one allocation
	}
	brand, mpn := foldKey(p.Brand, false), foldKey(p.SupplierRef, true)
	if brand == "" || mpn == "" {
		return ""
	}
	return "mpn:" + brand + ":" + mpn
}

// foldKey keeps the letters and digits of s, folded (search.Fold: lower
// case, no accents), upper case for part numbers.
func foldKey(s string, upper bool) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, search.Fold(s))
	if upper {
		return strings.ToUpper(s)
	}
	return s
}

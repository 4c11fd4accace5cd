package analysis_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestOfferKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    catalog.Product
		want string
	}{
		{"EAN-13 padded to 14 digits", catalog.Product{GTIN: "4006381333931"}, "gtin:04006381333931"},
		{"UPC-A and its EAN-13 form match", catalog.Product{GTIN: "036000291452"}, "gtin:00036000291452"},
		{"EAN-8", catalog.Product{GTIN: "96385074"}, "gtin:00000096385074"},
		{"GTIN beats part number", catalog.Product{GTIN: "4006381333931", Brand: "Acme", SupplierRef: "X-1"}, "gtin:04006381333931"},
		{"variant GTIN", catalog.Product{Variants: []catalog.Variant{{SKU: "v", GTIN: "4006381333931"}}}, "gtin:04006381333931"},
		{"bad check digit falls back to part number", catalog.Product{GTIN: "4006381333932", Brand: "Acme", SupplierRef: "X-1"}, "mpn:acme:X1"},
		{"part number normalised", catalog.Product{Brand: "Légo Éducation", SupplierRef: " ab-12.3/x "}, "mpn:legoeducation:AB123X"},
		{"same part number written otherwise", catalog.Product{Brand: "LEGO education", SupplierRef: "AB 123 X"}, "mpn:legoeducation:AB123X"},
		{"no brand", catalog.Product{SupplierRef: "X-1"}, ""},
		{"no part number", catalog.Product{Brand: "Acme"}, ""},
		{"nothing", catalog.Product{Name: "Chaise"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := analysis.OfferKey(&tc.p); got != tc.want {
				t.Fatalf("OfferKey = %q, want %q", got, tc.want)
			}
		})
	}
}

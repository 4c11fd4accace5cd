package ingest_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// The price header's "HT"/"TTC"/"excl. VAT" becomes the products' tax
// basis, so the site can say what a price includes.
func TestTaxBasisFromThePriceHeader(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"French HT", "Prix unitaire HT", catalog.TaxExcluded},
		{"French TTC", "Prix TTC", catalog.TaxIncluded},
		{"English excl. VAT", "Price excl. VAT", catalog.TaxExcluded},
		{"not said", "Price", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			c := e.ingest("acme", "tax.csv", "SKU,Name,"+tt.header+",Currency\nT-1,Chair,10.00,EUR\nT-2,Stool,,EUR\n", catalog.ModePartial)
			if c.Report.Accepted != 2 {
				t.Fatalf("report %+v", c.Report)
			}
			ps := e.products("acme")
			if got := ps["T-1"].TaxBasis; got != tt.want {
				t.Errorf("priced product tax basis %q, want %q", got, tt.want)
			}
			if p := ps["T-2"]; p.Price != nil {
				t.Errorf("a product without a price got %v", p.Price)
			}
		})
	}
}

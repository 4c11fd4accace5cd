package mapping_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
)

func TestHeaderTax(t *testing.T) {
	tests := []struct {
		header, want string
	}{
		{"Prix unitaire HT", catalog.TaxExcluded},
		{"Prix HT (EUR)", catalog.TaxExcluded},
		{"PU HT", catalog.TaxExcluded},
		{"Prix hors taxes", catalog.TaxExcluded},
		{"Price excl. tax", catalog.TaxExcluded},
		{"Price (excl. VAT)", catalog.TaxExcluded},
		{"Unit price ex VAT", catalog.TaxExcluded},
		{"Price net of tax", catalog.TaxExcluded},
		{"Prix TTC", catalog.TaxIncluded},
		{"Prix public TTC", catalog.TaxIncluded},
		{"Price incl. VAT", catalog.TaxIncluded},
		{"Price including tax", catalog.TaxIncluded},
		{"price", ""},
		{"Net price", ""}, // net of discounts, not of tax
		{"Prix unitaire", ""},
		{"Chtaxe", ""},
	}
	for _, tt := range tests {
		if got := mapping.HeaderTax(tt.header); got != tt.want {
			t.Errorf("HeaderTax(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

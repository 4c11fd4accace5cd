package analysis_test

import (
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestChangedFields(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(p *catalog.Product)
		want []string
	}{
		{"nothing", func(*catalog.Product) {}, nil},
		{"same price written otherwise", func(p *catalog.Product) {
			p.Price = &catalog.Money{Amount: catalog.MustDecimal("129.9"), Currency: "EUR"}
		}, nil},
		{"price", func(p *catalog.Product) {
			p.Price = &catalog.Money{Amount: catalog.MustDecimal("119.90"), Currency: "EUR"}
		}, []string{catalog.FieldPrice}},
		{"currency", func(p *catalog.Product) {
			p.Price = &catalog.Money{Amount: catalog.MustDecimal("129.90"), Currency: "USD"}
		}, []string{catalog.FieldPrice}},
		{"price gone", func(p *catalog.Product) { p.Price = nil }, []string{catalog.FieldPrice}},
		{"name and brand", func(p *catalog.Product) { p.Name, p.Brand = "Chaise", "Other" }, []string{catalog.FieldName, catalog.FieldBrand}},
		{"category", func(p *catalog.Product) { p.Category = []string{"Mobilier"} }, []string{catalog.FieldCategory}},
		{"terms", func(p *catalog.Product) { p.MOQ = 6 }, []string{catalog.FieldTerms}},
		{"attribute value", func(p *catalog.Product) { p.Attributes = map[string]string{"Couleur": "Rouge"} }, []string{catalog.FieldAttributes}},
		{"variant price", func(p *catalog.Product) {
			p.Variants = []catalog.Variant{{SKU: "v", Price: &catalog.Money{Amount: catalog.MustDecimal("1"), Currency: "EUR"}}}
		}, []string{catalog.FieldVariants}},
		{"identity, times, quality and pictures are not fields", func(p *catalog.Product) {
			p.Version, p.Hash, p.Quality, p.Pictures = 9, "x", &catalog.Quality{Score: 1}, []catalog.Picture{{Key: "k"}}
			p.Source.Row = 99
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, p := complete(), complete()
			tc.edit(&p)
			if got := analysis.ChangedFields(&old, &p); !slices.Equal(got, tc.want) {
				t.Fatalf("ChangedFields = %v, want %v", got, tc.want)
			}
		})
	}
}

package indextest

import (
	"context"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// gradeFixture is a small catalog with quality grades, one product
// without a score (indexed before scores existed).
func gradeFixture() []catalog.Product {
	graded := func(key string, n int, name, brand, grade string) catalog.Product {
		p := product("q1", key, n, name, brand, []string{"Bureau"}, price("10", "EUR"))
		if grade != "" {
			p.Quality = &catalog.Quality{Score: map[string]int{"A": 95, "B": 80, "E": 10}[grade], Grade: grade}
		}
		return p
	}
	shared := func(p catalog.Product, key string) catalog.Product { p.OfferKey = key; return p }
	return []catalog.Product{
		shared(graded("G1", 1, "Stylo bille bleu", "Scripto", "A"), "gtin:04006381333931"),
		graded("G2", 2, "Stylo plume noir", "Scripto", "A"),
		graded("G3", 3, "Stylo feutre rouge", "Marka", "B"),
		shared(graded("G4", 4, "Agrafeuse", "Marka", "E"), "gtin:04006381333931"),
		graded("G5", 5, "Classeur", "Marka", ""),
	}
}

// testGrades checks the quality grade as a filter and a facet.
func testGrades(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	if err := idx.Upsert(context.Background(), gradeFixture()); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	for _, tc := range []struct {
		name   string
		q      catalog.Query
		want   []string
		facets map[string][]catalog.FacetValue
	}{
		{"grade facet", catalog.Query{Facets: []string{"grade"}},
			[]string{"q1:G1", "q1:G2", "q1:G3", "q1:G4", "q1:G5"},
			map[string][]catalog.FacetValue{"grade": fv("A", 2, "B", 1, "E", 1)}},
		{"grade filter", catalog.Query{Filters: catalog.Filters{Grades: []string{"A"}}},
			[]string{"q1:G1", "q1:G2"}, nil},
		{"grades are OR-ed, the facet ignores its own filter", catalog.Query{Facets: []string{"grade", "brand"},
			Filters: catalog.Filters{Grades: []string{"A", "E"}}},
			[]string{"q1:G1", "q1:G2", "q1:G4"},
			map[string][]catalog.FacetValue{"grade": fv("A", 2, "B", 1, "E", 1), "brand": fv("Scripto", 2, "Marka", 1)}},
		{"grade with text and another filter", catalog.Query{Text: "stylo", Facets: []string{"grade"},
			Filters: catalog.Filters{Brands: []string{"Marka"}, Grades: []string{"A", "B"}}},
			[]string{"q1:G3"},
			map[string][]catalog.FacetValue{"grade": fv("B", 1)}},
		{"brand facet under a grade filter", catalog.Query{Facets: []string{"brand", "partner"},
			Filters: catalog.Filters{Grades: []string{"B", "E"}}},
			[]string{"q1:G3", "q1:G4"},
			map[string][]catalog.FacetValue{"brand": fv("Marka", 2), "partner": fv("q1", 2)}},
		{"offer key", catalog.Query{Filters: catalog.Filters{OfferKeys: []string{"gtin:04006381333931"}}, Sort: catalog.SortPriceAsc},
			[]string{"q1:G1", "q1:G4"}, nil},
		{"offer key and text", catalog.Query{Text: "agrafeuse", Filters: catalog.Filters{OfferKeys: []string{"gtin:04006381333931"}}},
			[]string{"q1:G4"}, nil},
		{"no product of a grade", catalog.Query{Filters: catalog.Filters{Grades: []string{"D"}}, Facets: []string{"grade"}},
			[]string{}, map[string][]catalog.FacetValue{"grade": fv("A", 2, "B", 1, "E", 1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustSearch(t, idx, tc.q)
			if got := sorted(IDs(res)); !slices.Equal(got, tc.want) || res.Total != len(tc.want) {
				t.Fatalf("hits = %v (total %d), want %v", got, res.Total, tc.want)
			}
			for name, want := range tc.facets {
				if got := res.Facets[name]; !slices.Equal(got, want) {
					t.Errorf("facet %s = %v, want %v", name, got, want)
				}
			}
			for _, h := range res.Hits {
				if h.Product.Key != "G5" && (h.Product.Quality == nil || h.Product.Quality.Grade == "") {
					t.Errorf("%s came back without its quality", h.Product.ID)
				}
			}
		})
	}
	if _, err := idx.Search(context.Background(), catalog.Query{Filters: catalog.Filters{Grades: []string{"F"}}}); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Errorf("grade F: err = %v, want invalid", err)
	}
}

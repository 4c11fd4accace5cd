package indextest

import (
	"context"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// stockFixture is a small catalog with availabilities and lead times, one
// product saying neither.
func stockFixture() []catalog.Product {
	stocked := func(key string, n int, name, brand, avail string, days int) catalog.Product {
		p := product("s1", key, n, name, brand, []string{"Bureau"}, price("10", "EUR"))
		p.Availability, p.LeadTimeDays = avail, days
		return p
	}
	return []catalog.Product{
		stocked("S1", 1, "Ramette papier A4", "Clairefontaine", catalog.InStock, 1),
		stocked("S2", 2, "Ramette papier A3", "Clairefontaine", catalog.InStock, 5),
		stocked("S3", 3, "Papier photo glacé", "Canon", catalog.Backorder, 20),
		stocked("S4", 4, "Papier kraft rouleau", "Canon", catalog.OutOfStock, 45),
		stocked("S5", 5, "Papier calque", "Canson", "", 0),
	}
}

// testAvailability checks availability and lead time as filters and
// facets: the lead-time facet counts each product in every band it ships
// within, and each facet leaves out its own filter.
func testAvailability(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	if err := idx.Upsert(context.Background(), stockFixture()); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	all := []string{"s1:S1", "s1:S2", "s1:S3", "s1:S4", "s1:S5"}
	both := []string{catalog.FacetAvailability, catalog.FacetLeadTime}
	availAll := fv("in_stock", 2, "backorder", 1, "out_of_stock", 1)
	leadAll := fv("30", 3, "14", 2, "7", 2, "1", 1, "3", 1)
	for _, tc := range []struct {
		name   string
		q      catalog.Query
		want   []string
		facets map[string][]catalog.FacetValue
	}{
		{"facets", catalog.Query{Facets: both}, all,
			map[string][]catalog.FacetValue{"availability": availAll, "lead_time": leadAll}},
		{"availability filter", catalog.Query{Filters: catalog.Filters{Availability: []string{catalog.InStock}}, Facets: both},
			[]string{"s1:S1", "s1:S2"},
			map[string][]catalog.FacetValue{"availability": availAll, "lead_time": fv("14", 2, "30", 2, "7", 2, "1", 1, "3", 1)}},
		{"availabilities are OR-ed", catalog.Query{Filters: catalog.Filters{Availability: []string{catalog.InStock, catalog.Backorder}}},
			[]string{"s1:S1", "s1:S2", "s1:S3"}, nil},
		{"lead time within 7 days", catalog.Query{Filters: catalog.Filters{LeadTime: []string{"7"}}, Facets: both},
			[]string{"s1:S1", "s1:S2"},
			map[string][]catalog.FacetValue{"availability": fv("in_stock", 2), "lead_time": leadAll}},
		{"lead time within 30 days, with text and brand", catalog.Query{Text: "papier",
			Filters: catalog.Filters{LeadTime: []string{"30"}, Brands: []string{"Canon"}}, Facets: append([]string{"brand"}, both...)},
			[]string{"s1:S3"},
			map[string][]catalog.FacetValue{"availability": fv("backorder", 1), "lead_time": fv("30", 1),
				"brand": fv("Clairefontaine", 2, "Canon", 1)}},
		{"both filters, with the fast facets", catalog.Query{Facets: []string{"brand", "category", "price"},
			Filters: catalog.Filters{Availability: []string{catalog.InStock}, LeadTime: []string{"3"}}},
			[]string{"s1:S1"},
			map[string][]catalog.FacetValue{"brand": fv("Clairefontaine", 1)}},
		{"no product in a band", catalog.Query{Filters: catalog.Filters{LeadTime: []string{"1"}, Availability: []string{catalog.OutOfStock}}},
			[]string{}, nil},
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
				if h.Product.Key != "S5" && h.Product.Availability == "" {
					t.Errorf("%s came back without its availability", h.Product.ID)
				}
			}
		})
	}
	for _, f := range []catalog.Filters{{Availability: []string{"instock"}}, {LeadTime: []string{"5"}}} {
		if _, err := idx.Search(context.Background(), catalog.Query{Filters: f}); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("%+v: err = %v, want invalid", f, err)
		}
	}
}

package indextest

import (
	"context"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// groupFixture is the same products offered by several partners: a pen
// by three (gtin:X), a stapler by two (gtin:Y), two binders and a fountain
// pen offered once, and a felt pen without a price. n orders UpdatedAt.
func groupFixture() []catalog.Product {
	offer := func(partner, key string, n int, name, amount, offerKey string) catalog.Product {
		var p *catalog.Money
		if amount != "" {
			p = price(amount, "EUR")
		}
		pr := product(partner, key, n, name, "Scripto", []string{"Bureau"}, p)
		pr.OfferKey = offerKey
		return pr
	}
	return []catalog.Product{
		offer("p1", "A", 1, "Stylo bille bleu", "2.50", "gtin:X"),
		offer("p2", "A", 2, "Stylo bille bleu x50", "1.90", "gtin:X"),
		offer("p3", "A", 3, "Stylo bille bleu 0.7", "2.10", "gtin:X"),
		offer("p1", "B", 4, "Agrafeuse", "12", "gtin:Y"),
		offer("p2", "B", 5, "Agrafeuse pro", "9", "gtin:Y"),
		offer("p1", "C", 6, "Classeur", "3", ""),
		offer("p2", "C", 7, "Classeur A4", "3.50", ""),
		offer("p3", "D", 8, "Stylo plume", "15", "mpn:scripto:SP1"),
		offer("p1", "E", 9, "Stylo feutre", "", ""),
	}
}

// group is one expected hit of a grouped query: the leading product, the
// offers of its group and their lowest price ("" for none).
type group struct {
	id     string
	offers int
	min    string
}

// testGroups checks catalog.GroupOffers: the same groups, counts, cheapest
// prices and order on every engine, with filters, text and paging.
func testGroups(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	if err := idx.Upsert(context.Background(), groupFixture()); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	byPrice := []group{{"p2:A", 3, "1.90"}, {"p1:C", 1, "3"}, {"p2:C", 1, "3.50"}, {"p2:B", 2, "9"}, {"p3:D", 1, "15"}, {"p1:E", 1, ""}}
	grouped := func(q catalog.Query) catalog.Query { q.Group = catalog.GroupOffers; return q }
	for _, tc := range []struct {
		name  string
		q     catalog.Query
		total int
		want  []group
	}{
		{"cheapest first: a group stands where its cheapest offer does", grouped(catalog.Query{Sort: catalog.SortPriceAsc}), 6, byPrice},
		{"by name: the first by name leads, the lowest price is another offer's",
			grouped(catalog.Query{Sort: catalog.SortName}), 6,
			[]group{{"p1:B", 2, "9"}, {"p1:C", 1, "3"}, {"p2:C", 1, "3.50"}, {"p1:A", 3, "1.90"}, {"p1:E", 1, ""}, {"p3:D", 1, "15"}}},
		{"newest first without text", grouped(catalog.Query{}), 6,
			[]group{{"p1:E", 1, ""}, {"p3:D", 1, "15"}, {"p2:C", 1, "3.50"}, {"p1:C", 1, "3"}, {"p2:B", 2, "9"}, {"p3:A", 3, "1.90"}}},
		{"text", grouped(catalog.Query{Text: "stylo", Sort: catalog.SortPriceAsc}), 3,
			[]group{{"p2:A", 3, "1.90"}, {"p3:D", 1, "15"}, {"p1:E", 1, ""}}},
		{"a filter counts and prices only the offers it keeps",
			grouped(catalog.Query{Sort: catalog.SortPriceAsc, Filters: catalog.Filters{Partners: []string{"p1"}}}), 4,
			[]group{{"p1:A", 1, "2.50"}, {"p1:C", 1, "3"}, {"p1:B", 1, "12"}, {"p1:E", 1, ""}}},
		{"two partners", grouped(catalog.Query{Sort: catalog.SortPriceAsc, Filters: catalog.Filters{Partners: []string{"p1", "p3"}}}), 5,
			[]group{{"p3:A", 2, "2.10"}, {"p1:C", 1, "3"}, {"p1:B", 1, "12"}, {"p3:D", 1, "15"}, {"p1:E", 1, ""}}},
		{"page 2 counts groups", grouped(catalog.Query{Sort: catalog.SortPriceAsc, Page: 2, Size: 2}), 6, byPrice[2:4]},
		{"last page", grouped(catalog.Query{Sort: catalog.SortPriceAsc, Page: 3, Size: 2}), 6, byPrice[4:]},
		{"beyond the last page", grouped(catalog.Query{Sort: catalog.SortPriceAsc, Page: 4, Size: 2}), 6, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustSearch(t, idx, tc.q)
			got := make([]group, 0, len(res.Hits))
			for _, h := range res.Hits {
				g := group{id: h.Product.ID}
				if h.Group == nil {
					t.Fatalf("%s: no group", h.Product.ID)
				}
				g.offers = h.Group.Offers
				if h.Group.MinPrice != nil {
					g.min = h.Group.MinPrice.Amount.String()
				}
				got = append(got, g)
			}
			if !slices.Equal(got, tc.want) && (len(got) > 0 || len(tc.want) > 0) {
				t.Errorf("groups = %v, want %v", got, tc.want)
			}
			if res.Total != tc.total || !res.TotalExact {
				t.Errorf("total = %d (exact %v), want %d groups", res.Total, res.TotalExact, tc.total)
			}
		})
	}
	t.Run("facets count products", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Group: catalog.GroupOffers, Facets: []string{"partner"}, Filters: catalog.Filters{Partners: []string{"p3"}}})
		if want := fv("p1", 4, "p2", 3, "p3", 2); !slices.Equal(res.Facets["partner"], want) {
			t.Errorf("partner facet = %v, want %v", res.Facets["partner"], want)
		}
		if res.Total != 2 || len(res.Hits) != 2 {
			t.Errorf("total %d, %d hits; want the 2 groups of p3", res.Total, len(res.Hits))
		}
	})
	t.Run("without group every product is a hit", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Sort: catalog.SortPriceAsc})
		if res.Total != 9 || res.Hits[0].Group != nil {
			t.Errorf("total %d, first hit's group %v; want 9 products, no group", res.Total, res.Hits[0].Group)
		}
	})
	for _, q := range []catalog.Query{{Group: "partner"}, {Group: catalog.GroupOffers, Cursor: catalog.CursorStart}} {
		if _, err := idx.Search(context.Background(), q); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("Search(group %q, cursor %q): err = %v, want invalid", q.Group, q.Cursor, err)
		}
	}
}

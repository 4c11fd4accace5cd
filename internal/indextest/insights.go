package indextest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// insightsFixture is a small catalog of three partners for the insights:
// categories of two levels, prices in two currencies, grades, and offer
// keys held by one, two and three partners (one of them twice by the same
// partner, which is one partner, not two).
func insightsFixture() []catalog.Product {
	mk := func(partner, key string, n int, cat []string, amount, currency, grade, offer string) catalog.Product {
		var pr *catalog.Money
		if amount != "" {
			pr = price(amount, currency)
		}
		p := product(partner, key, n, "Produit "+key, "Marque", cat, pr)
		if grade != "" {
			p.Quality = &catalog.Quality{Score: 50, Grade: grade}
		}
		p.OfferKey = offer
		return p
	}
	pens, paper, garden := []string{"Bureau", "Stylos"}, []string{"Bureau", "Papier"}, []string{"Jardin"}
	return []catalog.Product{
		mk("p1", "A1", 1, pens, "10", "EUR", "A", "gtin:1"),
		mk("p1", "A2", 2, pens, "20", "EUR", "A", "gtin:2"),
		mk("p1", "A3", 3, paper, "30", "EUR", "B", "gtin:3"),
		mk("p1", "A4", 4, garden, "100", "EUR", "C", ""),
		mk("p1", "A5", 5, garden, "7", "USD", "", "gtin:3"),
		mk("p2", "B1", 6, pens, "40", "EUR", "A", "gtin:1"),
		mk("p2", "B2", 7, paper, "50", "EUR", "E", "gtin:2"),
		mk("p2", "B3", 8, garden, "", "", "E", ""),
		mk("p3", "C1", 9, pens, "12", "USD", "B", "gtin:1"),
		mk("p3", "C2", 10, nil, "5", "EUR", "A", "mpn:x"),
	}
}

// testInsights checks the insights aggregations: terms, price
// distributions and shared offers, with and without filters.
func testInsights(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	ctx := context.Background()
	if err := idx.Upsert(ctx, insightsFixture()); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	t.Run("everything", func(t *testing.T) {
		got, err := idx.Insights(ctx, catalog.InsightsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		check(t, "total", got.Total, 10)
		check(t, "partners", got.Partners, fv("p1", 5, "p2", 3, "p3", 2))
		check(t, "categories", got.Categories, fv("Bureau", 6, "Jardin", 3))
		check(t, "grades", got.Grades, fv("A", 4, "B", 2, "E", 2, "C", 1))
		check(t, "with offer key", got.Offers.WithKey, 8)
		check(t, "shared offers", got.Offers.Shared, []catalog.SharedOffer{
			{Key: "gtin:1", Partners: 3, Products: 3}, {Key: "gtin:2", Partners: 2, Products: 2},
		})
		// Bureau EUR: 10 20 30 40 50; Bureau USD: 12; Jardin EUR: 100;
		// Jardin USD: 7. C2 has a price but no category: in no group.
		if len(got.Prices) != 4 {
			t.Fatalf("prices = %+v, want 4 groups", got.Prices)
		}
		b := got.Prices[0]
		if b.Category != "Bureau" || b.Currency != "EUR" || b.Count != 5 || b.Min != 10 || b.Max != 50 || b.Median != 30 {
			t.Fatalf("Bureau EUR = %+v", b)
		}
		// Quartiles are estimates on OpenSearch: between the values around
		// their rank.
		if b.Q1 < 10 || b.Q1 > 20 || b.Q3 < 40 || b.Q3 > 50 {
			t.Fatalf("Bureau EUR quartiles = %+v", b)
		}
		rest := fmt.Sprintf("%+v", got.Prices[1:])
		want := "[{Category:Bureau Currency:USD Count:1 Min:12 Q1:12 Median:12 Q3:12 Max:12} " +
			"{Category:Jardin Currency:EUR Count:1 Min:100 Q1:100 Median:100 Q3:100 Max:100} " +
			"{Category:Jardin Currency:USD Count:1 Min:7 Q1:7 Median:7 Q3:7 Max:7}]"
		check(t, "single-price groups", rest, want)
	})
	t.Run("filtered and sized", func(t *testing.T) {
		got, err := idx.Insights(ctx, catalog.InsightsQuery{Size: 1, Filters: catalog.Filters{Partners: []string{"p1", "p2"}, Grades: []string{"A", "E"}}})
		if err != nil {
			t.Fatal(err)
		}
		// A1 A2 B1 B2 B3
		check(t, "total", got.Total, 5)
		check(t, "partners", got.Partners, fv("p2", 3))
		check(t, "categories", got.Categories, fv("Bureau", 4))
		check(t, "grades", got.Grades, fv("A", 3, "E", 2))
		check(t, "with offer key", got.Offers.WithKey, 4)
		check(t, "shared offers", got.Offers.Shared, []catalog.SharedOffer{{Key: "gtin:1", Partners: 2, Products: 2}})
		if len(got.Prices) != 1 || got.Prices[0].Count != 4 || got.Prices[0].Min != 10 || got.Prices[0].Max != 50 {
			t.Fatalf("prices = %+v", got.Prices)
		}
	})
	t.Run("size out of range", func(t *testing.T) {
		for _, n := range []int{-1, catalog.MaxInsightsSize + 1} {
			if _, err := idx.Insights(ctx, catalog.InsightsQuery{Size: n}); catalog.CodeOf(err) != catalog.CodeInvalid {
				t.Errorf("size %d: %v", n, err)
			}
		}
	})
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

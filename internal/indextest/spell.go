package indextest

import (
	"context"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// SpellFixture is a clothing and care catalog whose platform metadata (an
// SEO description column, kept as an attribute) repeats words a buyer never
// looks for by name: "did you mean" must take its corrections from names,
// brands and categories, weighted by how many products hold them, and
// autocomplete must forgive one typo from the fourth letter.
func SpellFixture() []catalog.Product {
	seo := func(p catalog.Product) catalog.Product {
		p.Attributes = map[string]string{"SEO description": "Gentle on the body, wear it under a shirt"}
		return p
	}
	clothing := func(leaf string) []string { return []string{"Clothing", leaf} }
	return []catalog.Product{
		product("s1", "HD-1", 1, "Zip hoodie grey", "Northwind", clothing("Hoodies"), price("45", "EUR")),
		product("s1", "HD-2", 2, "Pullover hoodie navy", "Northwind", clothing("Hoodies"), price("40", "EUR")),
		product("s1", "HD-3", 3, "Kids hoodie", "Northwind", clothing("Hoodies"), price("30", "EUR")),
		product("s1", "SH-1", 4, "Oxford shirt white", "Tailor", clothing("Shirts"), price("50", "EUR")),
		product("s1", "ST-1", 5, "Running short", "Stride", clothing("Sport"), price("25", "EUR")),
		product("s1", "ST-2", 6, "Swim short", "Stride", clothing("Sport"), price("20", "EUR")),
		seo(product("s1", "BC-1", 7, "Bath lotion", "Aloe", []string{"Care"}, price("9", "EUR"))),
		seo(product("s1", "BC-2", 8, "Shower gel", "Aloe", []string{"Care"}, price("6", "EUR"))),
		seo(product("s1", "BC-3", 9, "Hand cream", "Aloe", []string{"Care"}, price("7", "EUR"))),
		seo(product("s1", "BC-4", 10, "Foot balm", "Aloe", []string{"Care"}, price("8", "EUR"))),
		// A zero price the partner's settings call free: the cheapest price,
		// not "price on request" (MixedFixture's TEA-4).
		free(product("s1", "GW-1", 11, "Gift wrapping", "Paper", []string{"Services"}, price("0", "EUR"))),
	}
}

// giftWrap is SpellFixture's free product.
const giftWrap = "s1:GW-1"

func free(p catalog.Product) catalog.Product { p.Free = true; return p }

// testFreePrice: a free product's zero price is a price on both engines:
// it sorts first, counts in its currency and lowest band, and passes a
// price range.
func testFreePrice(t *testing.T, idx catalog.Index) {
	if got := IDs(mustSearch(t, idx, catalog.Query{Sort: catalog.SortPriceAsc})); len(got) != 11 || got[0] != giftWrap {
		t.Errorf("price up: %v, want %s first", got, giftWrap)
	}
	if got := IDs(mustSearch(t, idx, catalog.Query{Sort: catalog.SortPriceDesc})); len(got) != 11 || got[10] != giftWrap {
		t.Errorf("price down: %v, want %s last", got, giftWrap)
	}
	res := mustSearch(t, idx, catalog.Query{Facets: []string{"currency", "price"}})
	if got, want := res.Facets["currency"], fv("EUR", 11); !slices.Equal(got, want) {
		t.Errorf("currency facet %v, want %v", got, want)
	}
	if got, want := res.Facets["price"], fv("0-10", 5, "10-50", 5, "50-100", 1); !slices.Equal(got, want) {
		t.Errorf("price facet %v, want %v", got, want)
	}
	if got := IDs(mustSearch(t, idx, catalog.Query{Filters: catalog.Filters{PriceMax: dec("5"), Currency: "EUR"}})); !slices.Equal(got, []string{giftWrap}) {
		t.Errorf("price at most 5: %v, want %s", got, giftWrap)
	}
}

// testSpelling: corrections and suggestions on SpellFixture.
func testSpelling(t *testing.T, idx catalog.Index) {
	t.Run("did you mean", func(t *testing.T) {
		// Each query is beyond the typo budget of a search (one edit up to
		// eight letters), so it finds nothing and asks for a correction.
		cases := []struct{ q, want, why string }{
			// "shirt" is in one name and in four SEO texts; "short" in two
			// names: the products a correction would return by name win.
			{"shurtt", "short", "a name word held by more products"},
			// "body" is two edits away, but only in SEO texts; the
			// catalog's hoodies are three edits away: no correction.
			{"hoddy", "", "no description or metadata word"},
			{"hudie", "hoodie", "two edits from a name word"},
			{"nortwnd", "northwind", "brands are candidates"},
			{"hudies", "hoodies", "categories are candidates"},
		}
		for _, c := range cases {
			res := mustSearch(t, idx, catalog.Query{Text: c.q})
			if res.Suggestion != c.want {
				t.Errorf("q=%q suggestion %q, want %q (%s)", c.q, res.Suggestion, c.want, c.why)
			}
		}
	})
	ctx := context.Background()
	suggest := func(t *testing.T, text string) []catalog.Suggestion {
		t.Helper()
		got, err := idx.Suggest(ctx, text, 8)
		if err != nil {
			t.Fatalf("Suggest(%q): %v", text, err)
		}
		return got
	}
	hoodies := []catalog.Suggestion{
		{Text: "Clothing > Hoodies", Kind: catalog.SuggestCategory},
		{Text: "Zip hoodie grey", Kind: catalog.SuggestName},
		{Text: "Pullover hoodie navy", Kind: catalog.SuggestName},
		{Text: "Kids hoodie", Kind: catalog.SuggestName},
	}
	for _, text := range []string{"hood", "hoddi", "hodie", "hoodei", "ohodie", "kids hoddi"} {
		t.Run("suggest "+text, func(t *testing.T) {
			got := suggest(t, text)
			want := hoodies
			if text == "kids hoddi" {
				want = []catalog.Suggestion{{Text: "Kids hoodie", Kind: catalog.SuggestName}}
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("Suggest(%q) = %v, lacks %v", text, got, w)
				}
			}
			for _, s := range got {
				if s.Kind == catalog.SuggestName && !slices.Contains(want, s) {
					t.Errorf("Suggest(%q) proposes %v", text, s)
				}
			}
		})
	}
	t.Run("three letters are exact", func(t *testing.T) {
		if got := suggest(t, "hod"); len(got) != 0 {
			t.Errorf("Suggest(hod) = %v, want none (one edit from the fourth letter only)", got)
		}
	})
	t.Run("exact prefixes first", func(t *testing.T) {
		got := suggest(t, "shir")
		exact, near := slices.Index(got, catalog.Suggestion{Text: "Oxford shirt white", Kind: catalog.SuggestName}),
			slices.Index(got, catalog.Suggestion{Text: "Running short", Kind: catalog.SuggestName})
		if exact < 0 || near < 0 || near < exact {
			t.Errorf("Suggest(shir) = %v, want Oxford shirt white, then (one edit) Running short", got)
		}
		if got[0] != (catalog.Suggestion{Text: "Clothing > Shirts", Kind: catalog.SuggestCategory}) {
			t.Errorf("Suggest(shir) = %v, want the exact category first", got)
		}
	})
}

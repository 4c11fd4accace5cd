package indextest

import (
	"context"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// MixedFixture is a catalog of the kind real partners send: prices in
// several currencies and zero prices ("price on request"). It is indexed
// apart from Fixture so that each rule has its own small catalog.
func MixedFixture() []catalog.Product {
	with := func(p catalog.Product, f func(*catalog.Product)) catalog.Product { f(&p); return p }
	pack := func(v string) func(*catalog.Product) {
		return func(p *catalog.Product) { p.Attributes = map[string]string{"Pack": v} }
	}
	return []catalog.Product{
		product("m1", "TEA-1", 1, "Thé vert Sencha", "Jardin", []string{"Épicerie", "Thés"}, price("12", "EUR")),
		product("m1", "TEA-2", 2, "Thé noir Assam", "Jardin", []string{"Épicerie", "Thés"}, price("30", "EUR")),
		// Stop words in its description only: a query of stop words does not find it.
		with(product("m1", "TEA-3", 3, "Infusion verveine", "Jardin", []string{"Épicerie", "Infusions"}, price("8", "EUR")), func(p *catalog.Product) {
			p.Description = "Une infusion de la verveine du jardin, pour le soir et pour la nuit."
		}),
		// Price on request: a zero amount is no price, not the cheapest.
		product("m1", "TEA-4", 4, "Thé blanc rare", "Jardin", []string{"Épicerie", "Thés"}, price("0", "EUR")),
		with(product("m2", "IN-1", 5, "Masala chai tea", "Chaiwala", []string{"Grocery", "Tea"}, price("40", "INR")), pack("100 g")),
		with(product("m2", "IN-2", 6, "Darjeeling tea first flush", "Chaiwala", []string{"Grocery", "Tea"}, price("600", "INR")), pack("250 g")),
		with(product("m2", "IN-3", 7, "Assam tea gift box", "Chaiwala", []string{"Grocery", "Tea"}, price("1500", "INR")), pack("1 kg")),
		with(product("m2", "IN-4", 8, "Nilgiri tea estate", "Chaiwala", []string{"Grocery", "Tea"}, price("5000", "INR")), pack("5 kg")),
		product("m3", "UK-1", 9, "English breakfast tea", "Brew", []string{"Grocery", "Tea"}, price("20", "GBP")),
		// Quantities and model numbers written one way here, another in queries.
		product("m4", "EAU-1", 10, "Eau minérale plate 500 ml", "Source", []string{"Boissons"}, nil),
		product("m4", "SODA-1", 11, "Soda citron 0,33l", "Source", []string{"Boissons"}, nil),
		product("m4", "TILE-1", 12, "Carrelage grès 60 x 60 cm", "Cerama", []string{"Sols"}, nil),
		product("m4", "ROB-1", 13, "Robinet mitigeur DMK-003-YL", "Aqua", []string{"Sanitaire"}, nil),
		product("m4", "CART-1", 14, "Cartouche AB1116.XY08", "Aqua", []string{"Sanitaire"}, nil),
	}
}

// IDs of MixedFixture products.
const (
	teaGreen    = "m1:TEA-1"
	teaBlack    = "m1:TEA-2"
	infusion    = "m1:TEA-3"
	teaOnDemand = "m1:TEA-4"
	chai        = "m2:IN-1"
	darjeeling  = "m2:IN-2"
	assamBox    = "m2:IN-3"
	nilgiri     = "m2:IN-4"
	breakfast   = "m3:UK-1"
	water       = "m4:EAU-1"
	soda        = "m4:SODA-1"
	tile        = "m4:TILE-1"
	faucet      = "m4:ROB-1"
	cartridgeAB = "m4:CART-1"
)

// testCurrencies: the currency facet, price bands per currency, zero as
// "price on request". Every case runs with and without an attribute facet,
// which sends Bleve through its other (collector) path.
func testCurrencies(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name     string
		q        catalog.Query
		total    int
		currency []catalog.FacetValue
		price    []catalog.FacetValue
		priceCur string
	}{
		{
			name:  "bands in the most common currency, zero price counted nowhere",
			q:     catalog.Query{},
			total: 14,
			// INR 4 > EUR 3 (the zero price has no currency) > GBP 1.
			currency: fv("INR", 4, "EUR", 3, "GBP", 1),
			price:    fv("10-50", 1, "500-", 3),
			priceCur: "INR",
		},
		{
			name:     "currency filter: its bands; the currency facet ignores it",
			q:        catalog.Query{Filters: catalog.Filters{Currency: "eur"}},
			total:    3,
			currency: fv("INR", 4, "EUR", 3, "GBP", 1),
			price:    fv("0-10", 1, "10-50", 2),
			priceCur: "EUR",
		},
		{
			name:     "price range in a currency: bands ignore the range, the currency facet follows it",
			q:        catalog.Query{Filters: catalog.Filters{Currency: "EUR", PriceMax: dec("10")}},
			total:    1,
			currency: fv("EUR", 1),
			price:    fv("0-10", 1, "10-50", 2),
			priceCur: "EUR",
		},
		{
			name:     "no priced hit, no bands",
			q:        catalog.Query{Text: "blanc"},
			total:    1,
			currency: fv(),
			price:    fv(),
			priceCur: "",
		},
		{
			name:     "text: the currency of its hits",
			q:        catalog.Query{Text: "tea"},
			total:    5,
			currency: fv("INR", 4, "GBP", 1),
			price:    fv("10-50", 1, "500-", 3),
			priceCur: "INR",
		},
		{
			name:     "a zero price is in no range",
			q:        catalog.Query{Filters: catalog.Filters{PriceMax: dec("5")}},
			total:    0,
			currency: fv(),
			price:    fv("10-50", 1, "500-", 3),
			priceCur: "INR",
		},
	}
	for _, c := range cases {
		for _, path := range []string{"", "attr.Pack"} {
			name := c.name
			if path != "" {
				name += " (with " + path + ")"
			}
			t.Run(name, func(t *testing.T) {
				q := c.q
				q.Facets = []string{"currency", "price"}
				if path != "" {
					q.Facets = append(q.Facets, path)
				}
				for range 2 { // again: counts may come from a cache
					res := mustSearch(t, idx, q)
					if res.Total != c.total {
						t.Fatalf("Total = %d (%v), want %d", res.Total, IDs(res), c.total)
					}
					if got := res.Facets["currency"]; !slices.Equal(got, c.currency) {
						t.Errorf("currency facet = %v, want %v", got, c.currency)
					}
					if got := res.Facets["price"]; !slices.Equal(got, c.price) {
						t.Errorf("price facet = %v, want %v", got, c.price)
					}
					if res.PriceCurrency != c.priceCur {
						t.Errorf("PriceCurrency = %q, want %q", res.PriceCurrency, c.priceCur)
					}
				}
			})
		}
	}
	t.Run("price on request sorts after every price", func(t *testing.T) {
		for _, sort := range []string{catalog.SortPriceAsc, catalog.SortPriceDesc} {
			q := catalog.Query{Sort: sort, Filters: catalog.Filters{Partners: []string{"m1"}}}
			got := IDs(mustSearch(t, idx, q))
			if len(got) != 4 || got[3] != teaOnDemand {
				t.Errorf("%s: order %v, want %s last", sort, got, teaOnDemand)
			}
			q.Cursor = catalog.CursorStart
			if got := IDs(mustSearch(t, idx, q)); len(got) != 4 || got[3] != teaOnDemand {
				t.Errorf("%s with a cursor: order %v, want %s last", sort, got, teaOnDemand)
			}
		}
		got := IDs(mustSearch(t, idx, catalog.Query{Sort: catalog.SortPriceAsc, Filters: catalog.Filters{Currency: "EUR"}}))
		if w := []string{infusion, teaGreen, teaBlack}; !slices.Equal(got, w) {
			t.Errorf("EUR by price: %v, want %v", got, w)
		}
	})
}

// testStopWords: stop words are recognised as typed, before accent
// folding, and a query of stop words only never answers the whole catalogue.
func testStopWords(t *testing.T, idx catalog.Index) {
	runTextCases(t, idx, []textCase{
		{name: "a French word folding to an English stop word", q: "thé", want: []string{teaGreen, teaBlack, teaOnDemand}},
		{name: "the same word typed without its accent, alone", q: "the", want: []string{teaGreen, teaBlack, teaOnDemand}},
		{name: "French word and colour", q: "Thé vert", want: []string{teaGreen}},
		{name: "an English stop word with a word", q: "the tea", want: []string{chai, darjeeling, assamBox, nilgiri, breakfast}},
		{name: "a French stop word with words", q: "thé de Darjeeling", want: []string{}},
		{name: "stop words only: they must all match", q: "de la", want: []string{}},
		{name: "an English stop word only", q: "and", want: []string{}},
		{name: "stop words only, present in a description", q: "pour la", want: []string{}},
		{name: "a transposition is one edit", q: "infsuion", want: []string{infusion}},
	})
}

// testMeasures: quantities, dimensions and model numbers meet however
// they are written, in names as well as in identifiers.
func testMeasures(t *testing.T, idx catalog.Index) {
	runTextCases(t, idx, []textCase{
		{name: "number and unit glued", q: "500ml", want: []string{water}},
		{name: "number and unit apart", q: "eau 500 ml", want: []string{water}},
		{name: "decimal point and unit apart for a glued decimal comma", q: "0.33 l", want: []string{soda}},
		{name: "decimal comma glued", q: "soda 0,33l", want: []string{soda}},
		{name: "dimensions glued", q: "carrelage 60x60", want: []string{tile}},
		{name: "dimensions apart", q: "60 x 60", want: []string{tile}},
		{name: "dimensions and unit", q: "60x60cm", want: []string{tile}},
		{name: "model number without its dashes", q: "dmk003yl", want: []string{faucet}},
		{name: "model number with its dashes", q: "DMK-003-YL", want: []string{faucet}},
		{name: "model number without its dot", q: "ab1116xy08", want: []string{cartridgeAB}},
		{name: "model number with its dot", q: "ab1116.xy08", want: []string{cartridgeAB}},
		{name: "another quantity", q: "500 l", want: []string{}},
		{name: "another model number", q: "dmk004yl", want: []string{}},
	})
}

// testRelaxed: when no product matches every word, a relaxed pass finds
// the products matching most of them, marked as such; a floor keeps
// queries about what the catalog lacks empty.
func testRelaxed(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name    string
		q       string
		want    []string
		relaxed bool
		dropped []string
	}{
		{"a word the catalog lacks is dropped", "infusion verveine bio", []string{infusion}, true, []string{"bio"}},
		{"a quantity the catalog lacks is dropped", "darjeeling tea 250 ml", []string{darjeeling}, true, []string{"250ml"}},
		{"a strict match is not relaxed", "assam tea", []string{assamBox}, false, nil},
		{"the floor: most of the words missing", "chai 99 xl", []string{}, false, nil},
		{"the floor: nothing of it in the catalog", "lawn mower", []string{}, false, nil},
		{"the floor: one word only", "mower", []string{}, false, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustSearch(t, idx, catalog.Query{Text: c.q + " "})
			if got := sorted(IDs(res)); !slices.Equal(got, sorted(c.want)) || res.Total != len(c.want) {
				t.Fatalf("q=%q found %v (total %d), want %v", c.q, got, res.Total, c.want)
			}
			if res.Relaxed != c.relaxed || !slices.Equal(res.Dropped, c.dropped) {
				t.Errorf("q=%q: relaxed %v dropped %q, want %v %q", c.q, res.Relaxed, res.Dropped, c.relaxed, c.dropped)
			}
		})
	}
}

// indexMixed builds a new index holding MixedFixture.
func indexMixed(t *testing.T, h Harness) catalog.Index { return indexProducts(t, h, MixedFixture()) }

// indexProducts builds a new index holding products.
func indexProducts(t *testing.T, h Harness, products []catalog.Product) catalog.Index {
	idx := h.New(t, Synonyms(t))
	if err := idx.Upsert(context.Background(), products); err != nil {
		t.Fatalf("Upsert(fixture): %v", err)
	}
	if h.Refresh != nil {
		h.Refresh(t, idx)
	}
	return idx
}

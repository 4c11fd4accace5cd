package indextest

import (
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// WeightsFixture is a garden shop's export as platforms write it: product
// text, plus the platform columns that are not product text (tags, SEO
// title and description, image alt text, variant settings, "Meta:"
// fields), which name other products' words. It is indexed apart from
// Fixture so that ranking depends on it alone.
func WeightsFixture() []catalog.Product {
	with := func(p catalog.Product, f func(*catalog.Product)) catalog.Product { f(&p); return p }
	meta := func(words string) map[string]string {
		return map[string]string{
			"Tags":                        words,
			"SEO Title":                   "Plante en " + words + " | Boutique",
			"SEO Description":             "Livraison de " + words + " offerte",
			"Image Alt Text":              "Plante dans un " + words,
			"Meta: _related":              words,
			"Variant Inventory Policy":    "deny",
			"Google Shopping / Gender":    "unisex",
			"Étiquettes":                  words,
			"Variant Fulfillment Service": "manual",
		}
	}
	return []catalog.Product{
		// The products sought: their names say what they are.
		with(product("g1", "POT-1", 1, "Pot en terre cuite rond de 30 cm avec soucoupe assortie", "Terra", []string{"Jardin", "Poterie", "Pots"}, price("19", "EUR")), func(p *catalog.Product) {
			p.Description = "Terre cuite naturelle, trou de drainage, résiste au gel. Convient aux plantes d'extérieur."
		}),
		with(product("g1", "POT-2", 2, "Pot carré émaillé bleu", "Terra", []string{"Jardin", "Poterie", "Pots"}, price("35", "EUR")), func(p *catalog.Product) {
			p.Description = "Céramique émaillée, pour l'intérieur."
		}),
		// Pots in its metadata only (tags, SEO, alt text, Meta:): not a pot.
		with(product("g1", "PL-1", 3, "Monstera", "Verdure", []string{"Plantes"}, price("25", "EUR")), func(p *catalog.Product) {
			p.Description = "Plante d'intérieur."
			p.Attributes = meta("pot pots")
		}),
		// A plant sold in a pot, said in its description (and its tags).
		with(product("g1", "PL-2", 4, "Ficus", "Verdure", []string{"Plantes"}, price("30", "EUR")), func(p *catalog.Product) {
			p.Description = "Livré dans son pot."
			p.Attributes = meta("pot")
		}),
		// A pot in an attribute (what it goes with): below a description.
		with(product("g1", "SC-1", 5, "Soucoupe", "Terra", []string{"Jardin"}, price("4", "EUR")), func(p *catalog.Product) {
			p.Attributes = map[string]string{"Usage": "pot"}
		}),
		// The watering can.
		with(product("g1", "AR-1", 6, "Arrosoir galvanisé 10 litres", "Zinco", []string{"Jardin", "Arrosage", "Arrosoirs et pommes"}, price("45", "EUR")), func(p *catalog.Product) {
			p.Description = "Zinc galvanisé."
		}),
		// A hose whose attribute says what it fills.
		with(product("g1", "TU-1", 7, "Tuyau", "Zinco", []string{"Jardin"}, price("20", "EUR")), func(p *catalog.Product) {
			p.Attributes = map[string]string{"Remplit": "arrosoir"}
		}),
		// A spare part whose description misspells the watering can.
		with(product("g1", "BE-1", 9, "Bec verseur", "Zinco", []string{"Jardin"}, price("6", "EUR")), func(p *catalog.Product) {
			p.Description = "Bec de rechange pour arrosior."
		}),
		// The watering can in its tags only.
		with(product("g1", "PL-3", 8, "Cactus", "Verdure", []string{"Plantes"}, price("9", "EUR")), func(p *catalog.Product) {
			p.Attributes = meta("arrosoir")
		}),
	}
}

// IDs of WeightsFixture products.
const (
	potRound  = "g1:POT-1"
	potSquare = "g1:POT-2"
	monstera  = "g1:PL-1"
	ficus     = "g1:PL-2"
	saucer    = "g1:SC-1"
	can       = "g1:AR-1"
	hose      = "g1:TU-1"
	cactus    = "g1:PL-3"
	spout     = "g1:BE-1"
)

// testWeights: name > brand and categories > description > other
// attributes; platform metadata is not searched; typo and prefix matches
// keep their field's weight.
func testWeights(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name  string
		q     string
		tiers [][]string // the hits, tier after tier; any order within a tier
	}{
		{"name, then description, then attribute; metadata never", "pot", [][]string{{potRound, potSquare}, {ficus}, {saucer}}},
		{"plural finds the same, metadata never", "pots", [][]string{{potRound, potSquare}, {ficus}, {saucer}}},
		{"a typo in a name outranks the word in a description and a typo in an attribute", "arrosior", [][]string{{can}, {spout, hose}}},
		{"a prefix in a name outranks a prefix in an attribute", "arroso", [][]string{{can}, {hose}}},
		{"metadata words find nothing", "manual deny unisex", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustSearch(t, idx, catalog.Query{Text: c.q})
			got, i := IDs(res), 0
			ok := res.Total == len(got)
			for _, tier := range c.tiers {
				ok = ok && i+len(tier) <= len(got) && slices.Equal(sorted(got[i:i+len(tier)]), sorted(tier))
				i += len(tier)
			}
			if !ok || i != len(got) {
				t.Errorf("q=%q: %v (total %d), want the tiers %v", c.q, got, res.Total, c.tiers)
			}
		})
	}
	t.Run("facets follow the searched text, not the metadata", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Text: "pot", Facets: []string{catalog.FacetCategory}})
		want := fv("Jardin", 3, "Jardin > Poterie", 2, "Jardin > Poterie > Pots", 2, "Plantes", 1)
		if got := res.Facets[catalog.FacetCategory]; !slices.Equal(got, want) {
			t.Errorf("category facet of pot = %v, want %v", got, want)
		}
	})
}

// Package indextest is the one conformance suite of search behaviours that
// every catalog.Index runs (Bleve in internal/bleveindex, OpenSearch in
// internal/osindex): a fixed fixture catalog and every rule of search as a
// test case, so that the engines provably behave alike.
package indextest

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Harness adapts an engine to the suite.
type Harness struct {
	// New returns a new, empty index built with syn; it registers its own
	// cleanup with t.Cleanup.
	New func(t *testing.T, syn *search.Synonyms) catalog.Index
	// Refresh makes completed writes visible to searches; nil when they are
	// at once.
	Refresh func(t *testing.T, idx catalog.Index)
}

// Reindexer is implemented by indexes that can rebuild themselves from a
// product source and swap the result in (both engines).
type Reindexer interface {
	Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error)
}

// Synonyms returns the parsed SynonymsFile.
func Synonyms(t testing.TB) *search.Synonyms {
	syn, err := search.ParseSynonyms(strings.NewReader(SynonymsFile))
	if err != nil {
		t.Fatal(err)
	}
	return syn
}

// Run runs the whole suite against the engine of h.
func Run(t *testing.T, h Harness) {
	ctx := context.Background()
	idx := h.New(t, Synonyms(t))
	if err := idx.Upsert(ctx, Fixture()); err != nil {
		t.Fatalf("Upsert(fixture): %v", err)
	}
	refresh := func(t *testing.T, x catalog.Index) {
		if h.Refresh != nil {
			h.Refresh(t, x)
		}
	}
	refresh(t, idx)
	n, err := idx.Count(ctx)
	if err != nil || n != len(Fixture()) {
		t.Fatalf("Count = %d, %v; want %d", n, err, len(Fixture()))
	}
	t.Run("Text", func(t *testing.T) { testText(t, idx) })
	t.Run("Identifiers", func(t *testing.T) { testIdentifiers(t, idx) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, idx) })
	t.Run("Facets", func(t *testing.T) { testFacets(t, idx) })
	t.Run("Sort", func(t *testing.T) { testSort(t, idx) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, idx) })
	t.Run("Cursor", func(t *testing.T) { testCursor(t, idx) })
	t.Run("Highlights", func(t *testing.T) { testHighlights(t, idx) })
	t.Run("DidYouMean", func(t *testing.T) { testDidYouMean(t, idx) })
	t.Run("Suggest", func(t *testing.T) { testSuggest(t, idx) })
	t.Run("Caps", func(t *testing.T) { testCaps(t, idx) })
	mixed := indexMixed(t, h)
	t.Run("Currencies", func(t *testing.T) { testCurrencies(t, mixed) })
	t.Run("StopWords", func(t *testing.T) { testStopWords(t, mixed) })
	t.Run("Measures", func(t *testing.T) { testMeasures(t, mixed) })
	t.Run("Relaxed", func(t *testing.T) { testRelaxed(t, mixed) })
	spell := indexProducts(t, h, SpellFixture())
	t.Run("Spelling", func(t *testing.T) { testSpelling(t, spell) })
	t.Run("FreePrice", func(t *testing.T) { testFreePrice(t, spell) })
	t.Run("Weights", func(t *testing.T) { testWeights(t, indexProducts(t, h, WeightsFixture())) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, h.New(t, Synonyms(t)), refresh) })
	t.Run("Grades", func(t *testing.T) { testGrades(t, h.New(t, Synonyms(t)), refresh) })
	t.Run("Availability", func(t *testing.T) { testAvailability(t, h.New(t, Synonyms(t)), refresh) })
	t.Run("Insights", func(t *testing.T) { testInsights(t, h.New(t, Synonyms(t)), refresh) })
	t.Run("Groups", func(t *testing.T) { testGroups(t, h.New(t, Synonyms(t)), refresh) })
	if _, ok := idx.(Reindexer); ok {
		t.Run("Reindex", func(t *testing.T) { testReindex(t, h.New(t, Synonyms(t)), refresh) })
	}
}

func mustSearch(t *testing.T, idx catalog.Index, q catalog.Query) catalog.Result {
	t.Helper()
	if q.Size == 0 {
		q.Size = catalog.MaxPageSize
	}
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return res
}

// IDs lists the product IDs of res's hits, in order.
func IDs(res catalog.Result) []string {
	out := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, h.Product.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// textCase is one query and the exact set of products it must find, and
// optionally which one must rank first.
type textCase struct {
	name  string
	q     string
	want  []string
	first string
}

func runTextCases(t *testing.T, idx catalog.Index, cases []textCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustSearch(t, idx, catalog.Query{Text: c.q})
			got := IDs(res)
			if res.Relaxed {
				// These cases are about the strict pass: it found nothing
				// (the relaxed pass has its own cases, testRelaxed).
				if len(c.want) > 0 {
					t.Fatalf("q=%q: relaxed (dropped %q), want a strict match of %v", c.q, res.Dropped, c.want)
				}
				return
			}
			if !slices.Equal(sorted(got), sorted(c.want)) {
				t.Fatalf("q=%q found %v, want %v", c.q, sorted(got), sorted(c.want))
			}
			if res.Total != len(c.want) {
				t.Errorf("q=%q Total = %d, want %d", c.q, res.Total, len(c.want))
			}
			if c.first != "" && (len(got) == 0 || got[0] != c.first) {
				t.Errorf("q=%q ranks %v, want %s first", c.q, got, c.first)
			}
		})
	}
}

func testText(t *testing.T, idx catalog.Index) {
	all := make([]string, 0)
	for _, p := range Fixture() {
		all = append(all, p.ID)
	}
	runTextCases(t, idx, []textCase{
		// Accent folding.
		{"unaccented query finds accented word", "evenement", []string{ticket, chairWood}, ""},
		{"accented query", "Événement", []string{ticket, chairWood}, ""},
		{"upper case query", "EVENEMENT", []string{ticket, chairWood}, ""},
		{"two folded words", "cafetiere electrique", []string{coffee}, ""},
		// Elision.
		{"elided article in the text", "angle", []string{sofa}, ""},
		{"elided article in the query", "l'angle", []string{sofa}, ""},
		// Light stemming.
		{"singular finds plural", "chaussure", []string{hikingShoes, trailShoes}, ""},
		{"plural finds singular", "chaises", []string{chairWood, chairOffice, chairMetal}, ""},
		{"french plural", "ordinateurs", []string{laptop}, ""},
		{"english plural", "shoe", []string{trailShoes}, ""},
		// Stop words constrain nothing; every other word must match.
		{"stop words", "chaise de bureau", []string{chairOffice}, ""},
		{"all words required across fields", "chaise acme", []string{chairWood, chairMetal}, ""},
		{"category and brand words", "cuisine kafe", []string{coffee, knife, saltPepper}, ""},
		// Synonyms from the deployment's file.
		{"synonym t shirt", "t shirt", []string{tshirt1, tshirt2, tshirt3}, ""},
		{"synonym t-shirt", "t-shirt", []string{tshirt1, tshirt2, tshirt3}, ""},
		{"synonym tshirt", "tshirt", []string{tshirt1, tshirt2, tshirt3}, ""},
		{"synonym tee shirt", "tee shirt", []string{tshirt1, tshirt2, tshirt3}, ""},
		{"synonym file rule sofa", "sofa", []string{sofa}, ""},
		{"synonym file rule couch", "couch", []string{sofa}, ""},
		// Typo tolerance: 1 edit from 5 letters, 2 from 9, none below 5.
		{"one typo in 6 letters", "chaize", []string{chairWood, chairOffice, chairMetal}, ""},
		{"one typo in 5 letters", "lampr", []string{lamp}, ""},
		{"one typo in 10 letters", "imprimente", []string{printer}, ""},
		{"transposition is one edit", "ordinatuer", []string{laptop}, ""},
		{"two typos in 12 letters", "ordinnateurr", []string{laptop}, ""},
		{"no typo allowed in 4 letters", "lamq", nil, ""},
		{"two typos in 6 letters is too many", "chauze", nil, ""},
		// Search as you type: the last word is a prefix.
		{"prefix of a word", "cafet", []string{coffee}, ""},
		{"prefix of the last word", "chaise pli", []string{chairWood, chairMetal}, ""},
		{"a trailing space ends the prefix", "chaise pli ", nil, ""},
		{"a one-letter last word waits for the next letter", "chaise p", []string{chairWood, chairOffice, chairMetal}, ""},
		// Numbers are never fuzzy.
		{"number with unit", "18V", []string{drill}, ""},
		{"close number does not match", "19V", nil, ""},
		{"words and number", "perceuse 18v", []string{drill}, ""},
		// Safety: the text is never query syntax.
		{"field syntax is text", "name:chaise", nil, ""},
		{"minus is not a negation", "chaise -pliante", []string{chairWood, chairMetal}, ""},
		{"boolean operators are words", `"chaise" AND bois`, []string{chairWood}, ""},
		{"punctuation only matches everything", ")( *", all, ""},
	})
}

func testIdentifiers(t *testing.T, idx catalog.Index) {
	runTextCases(t, idx, []textCase{
		{"exact SKU ranks first, no fuzzy neighbour", "BC1010", []string{chairWood, cartridge}, chairWood},
		{"SKU with dash and dot", "bc-10.10", []string{chairWood}, chairWood},
		{"SKU with space", "bc 1010", []string{chairWood}, chairWood},
		{"lower case SKU", "bc1011", []string{chairOffice}, chairOffice},
		{"unknown SKU", "BC1012", nil, ""},
		{"EAN-13", "4006381333931", []string{chairWood}, chairWood},
		{"EAN-13 with spaces", "4 006381 333931", []string{chairWood}, chairWood},
		{"UPC with leading zero", "0012345678905", []string{lamp}, lamp},
		{"supplier reference", "REF-77.001", []string{chairWood}, chairWood},
		{"supplier reference normalised", "ref77001", []string{chairWood}, chairWood},
		{"supplier reference with spaces and dots", "px18v02", []string{drill}, drill},
		{"variant SKU", "SH-200-43", []string{hikingShoes}, hikingShoes},
	})
}

type filterCase struct {
	name string
	q    catalog.Query
	want []string
}

func dec(s string) *catalog.Decimal { d := catalog.MustDecimal(s); return &d }

func testFilters(t *testing.T, idx catalog.Index) {
	p2 := []string{ticket, sofa, table, coffee, lamp, chairMetal, knife}
	p3 := []string{drill, cartridge, laptop, giftCard, saltPepper, printer}
	cases := []filterCase{
		{"partner", catalog.Query{Filters: catalog.Filters{Partners: []string{"p2"}}}, p2},
		{"partners are OR-ed", catalog.Query{Filters: catalog.Filters{Partners: []string{"p2", "p3"}}}, append(slices.Clone(p2), p3...)},
		{"brand", catalog.Query{Filters: catalog.Filters{Brands: []string{"Acme"}}}, []string{chairWood, tshirt1, table, chairMetal}},
		{"brand AND category", catalog.Query{Filters: catalog.Filters{Brands: []string{"Acme"}, Categories: []string{"Maison"}}}, []string{chairWood, table, chairMetal}},
		{"category subtree", catalog.Query{Filters: catalog.Filters{Categories: []string{"Maison > Mobilier"}}}, []string{chairWood, sofa, chairMetal}},
		{"category without spaces", catalog.Query{Filters: catalog.Filters{Categories: []string{"Maison>Cuisine"}}}, []string{table, coffee, knife, saltPepper}},
		{"category leaf", catalog.Query{Filters: catalog.Filters{Categories: []string{"Maison > Cuisine > Électroménager"}}}, []string{coffee}},
		{"price range in a currency", catalog.Query{Filters: catalog.Filters{PriceMin: dec("10"), PriceMax: dec("29.90"), Currency: "EUR"}},
			[]string{chairWood, tshirt1, tshirt2, tshirt3, lamp, chairMetal, saltPepper}},
		{"price minimum", catalog.Query{Filters: catalog.Filters{PriceMin: dec("100")}}, []string{chairOffice, trailShoes, sofa, table, laptop, printer}},
		{"currency", catalog.Query{Filters: catalog.Filters{Currency: "usd"}}, []string{trailShoes}},
		{"attribute", catalog.Query{Filters: catalog.Filters{Attributes: map[string][]string{"Color": {"Green"}}}}, []string{chairWood}},
		{"attribute values are OR-ed", catalog.Query{Filters: catalog.Filters{Attributes: map[string][]string{"Color": {"Green", "Black"}}}}, []string{chairWood, chairOffice}},
		{"variant option", catalog.Query{Filters: catalog.Filters{Attributes: map[string][]string{"Size": {"42"}}}}, []string{hikingShoes}},
		{"text and filter", catalog.Query{Text: "chaise", Filters: catalog.Filters{Partners: []string{"p2"}}}, []string{chairMetal}},
		{"unknown attribute", catalog.Query{Filters: catalog.Filters{Attributes: map[string][]string{"Nope": {"x"}}}}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustSearch(t, idx, c.q)
			if got := IDs(res); !slices.Equal(sorted(got), sorted(c.want)) {
				t.Fatalf("found %v, want %v", sorted(got), sorted(c.want))
			}
			if res.Total != len(c.want) || !res.TotalExact {
				t.Errorf("Total = %d (exact %v), want %d exact", res.Total, res.TotalExact, len(c.want))
			}
		})
	}
}

func fv(pairs ...any) []catalog.FacetValue {
	out := []catalog.FacetValue{}
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, catalog.FacetValue{Value: pairs[i].(string), Count: pairs[i+1].(int)})
	}
	return out
}

func testFacets(t *testing.T, idx catalog.Index) {
	allFacets := []string{"brand", "partner", "category", "price", "attr.Color"}
	t.Run("counts without own filter, AND across facets", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Facets: allFacets, Filters: catalog.Filters{Brands: []string{"Acme"}}})
		if res.Total != 4 {
			t.Fatalf("Total = %d, want 4", res.Total)
		}
		want := map[string][]catalog.FacetValue{
			// The brand facet ignores the brand filter (multi-select).
			"brand": fv("Acme", 4, "Kafe", 3, "Basics", 2, "Montagne", 2, "Printa", 2,
				"Bricomax", 1, "Compu", 1, "Confort", 1, "ErgoPro", 1, "EventCo", 1),
			// The other facets count within the brand filter.
			"partner": fv("p1", 2, "p2", 2),
			"category": fv("Maison", 3, "Maison > Mobilier", 2, "Maison > Mobilier > Chaises", 2,
				"Maison > Cuisine", 1, "Mode", 1, "Mode > Hauts", 1),
			"price":      fv("10-50", 3, "100-500", 1),
			"attr.Color": fv("Green", 1),
		}
		for name, w := range want {
			if got := res.Facets[name]; !slices.Equal(got, w) {
				t.Errorf("facet %s = %v, want %v", name, got, w)
			}
		}
	})
	t.Run("multi-select within a facet", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Facets: []string{"brand", "partner"}, Filters: catalog.Filters{Brands: []string{"Acme", "Kafe"}}})
		if res.Total != 7 {
			t.Fatalf("Total = %d, want 7", res.Total)
		}
		if got := res.Facets["brand"]; len(got) < 2 || got[0] != (catalog.FacetValue{Value: "Acme", Count: 4}) || got[1] != (catalog.FacetValue{Value: "Kafe", Count: 3}) {
			t.Errorf("brand facet = %v", got)
		}
		if got, w := res.Facets["partner"], fv("p2", 4, "p1", 2, "p3", 1); !slices.Equal(got, w) {
			t.Errorf("partner facet = %v, want %v", got, w)
		}
	})
	t.Run("facets follow the text", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Text: "chaise", Facets: []string{"brand", "price"}})
		if got, w := res.Facets["brand"], fv("Acme", 2, "ErgoPro", 1); !slices.Equal(got, w) {
			t.Errorf("brand facet = %v, want %v", got, w)
		}
		if got, w := res.Facets["price"], fv("10-50", 2, "100-500", 1); !slices.Equal(got, w) {
			t.Errorf("price facet = %v, want %v", got, w)
		}
	})
	t.Run("price facet ignores the price filter", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Text: "chaise", Facets: []string{"price"}, Filters: catalog.Filters{PriceMax: dec("50")}})
		if res.Total != 2 {
			t.Fatalf("Total = %d, want 2", res.Total)
		}
		if got, w := res.Facets["price"], fv("10-50", 2, "100-500", 1); !slices.Equal(got, w) {
			t.Errorf("price facet = %v, want %v", got, w)
		}
	})
	t.Run("attribute facet ignores its own filter", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Facets: []string{"attr.Color", "brand"}, Filters: catalog.Filters{Attributes: map[string][]string{"Color": {"Green"}}}})
		if got, w := res.Facets["attr.Color"], fv("Black", 1, "Brown", 1, "Green", 1); !slices.Equal(got, w) {
			t.Errorf("attr.Color facet = %v, want %v", got, w)
		}
		if got, w := res.Facets["brand"], fv("Acme", 1); !slices.Equal(got, w) {
			t.Errorf("brand facet = %v, want %v", got, w)
		}
	})
	t.Run("the same query again gives the same page and counts", func(t *testing.T) {
		// Engines may cache counts between queries; a repeat must not differ.
		for _, q := range []catalog.Query{
			{Facets: allFacets[:4], Filters: catalog.Filters{Categories: []string{"Maison"}}},
			{Facets: allFacets, Filters: catalog.Filters{Categories: []string{"Maison"}}},
			{Text: "chaise", Facets: allFacets[:4], Filters: catalog.Filters{Brands: []string{"Acme"}, PriceMax: dec("100")}},
		} {
			first := mustSearch(t, idx, q)
			again := mustSearch(t, idx, q)
			if !slices.Equal(IDs(first), IDs(again)) || first.Total != again.Total || len(first.Facets) != len(again.Facets) {
				t.Fatalf("repeat differs: %v/%d vs %v/%d", IDs(first), first.Total, IDs(again), again.Total)
			}
			for name, vals := range first.Facets {
				if !slices.Equal(vals, again.Facets[name]) {
					t.Errorf("facet %s: %v then %v", name, vals, again.Facets[name])
				}
			}
		}
	})
	t.Run("facet size", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Facets: []string{"brand"}, FacetSize: 2})
		if got, w := res.Facets["brand"], fv("Acme", 4, "Kafe", 3); !slices.Equal(got, w) {
			t.Errorf("brand facet = %v, want %v", got, w)
		}
	})
	t.Run("no facets asked", func(t *testing.T) {
		res := mustSearch(t, idx, catalog.Query{Text: "chaise"})
		if len(res.Facets) != 0 {
			t.Errorf("Facets = %v, want none", res.Facets)
		}
	})
}

func testSort(t *testing.T, idx catalog.Index) {
	cases := []struct {
		sort       string
		head, tail []string
	}{
		{catalog.SortPriceAsc, []string{cartridge, knife, tshirt3, saltPepper}, []string{giftCard}},
		{catalog.SortPriceDesc, []string{sofa, laptop, table, printer}, []string{giftCard}},
		{catalog.SortName, []string{ticket, coffee, sofa, giftCard, cartridge}, []string{trailShoes, tshirt2}},
		{catalog.SortNewest, []string{printer, saltPepper, giftCard}, []string{chairWood}},
		{catalog.SortRelevance, []string{printer, saltPepper, giftCard}, []string{chairWood}}, // no text: newest first
	}
	for _, c := range cases {
		t.Run(c.sort, func(t *testing.T) {
			got := IDs(mustSearch(t, idx, catalog.Query{Sort: c.sort}))
			if len(got) != len(Fixture()) {
				t.Fatalf("got %d hits, want %d", len(got), len(Fixture()))
			}
			if !slices.Equal(got[:len(c.head)], c.head) || !slices.Equal(got[len(got)-len(c.tail):], c.tail) {
				t.Errorf("order %v, want head %v and tail %v", got, c.head, c.tail)
			}
		})
	}
	t.Run("text sorted by price", func(t *testing.T) {
		got := IDs(mustSearch(t, idx, catalog.Query{Text: "chaise", Sort: catalog.SortPriceAsc}))
		if w := []string{chairMetal, chairWood, chairOffice}; !slices.Equal(got, w) {
			t.Errorf("order %v, want %v", got, w)
		}
	})
}

func testPaging(t *testing.T, idx catalog.Index) {
	seen := map[string]bool{}
	for page := 1; page <= 4; page++ {
		res := mustSearch(t, idx, catalog.Query{Page: page, Size: 5, Sort: catalog.SortName})
		if res.Total != len(Fixture()) || res.Page != page || res.Size != 5 || len(res.Hits) != 5 {
			t.Fatalf("page %d: total %d page %d size %d hits %d", page, res.Total, res.Page, res.Size, len(res.Hits))
		}
		for _, id := range IDs(res) {
			if seen[id] {
				t.Fatalf("page %d repeats %s", page, id)
			}
			seen[id] = true
		}
	}
	if res := mustSearch(t, idx, catalog.Query{Page: 5, Size: 5}); len(res.Hits) != 0 || res.Total != len(Fixture()) {
		t.Errorf("page past the end: %d hits, total %d", len(res.Hits), res.Total)
	}
}

func testCursor(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name string
		q    catalog.Query
		want int
	}{
		{"by name", catalog.Query{Sort: catalog.SortName, Size: 6}, len(Fixture())},
		{"by price with ties broken", catalog.Query{Sort: catalog.SortPriceAsc, Size: 3}, len(Fixture())},
		{"newest", catalog.Query{Size: 7}, len(Fixture())},
		{"by relevance", catalog.Query{Text: "chaise", Size: 1}, 3},
		{"filtered", catalog.Query{Filters: catalog.Filters{Partners: []string{"p2"}}, Size: 2, Sort: catalog.SortName}, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			q.Cursor = catalog.CursorStart
			seen := map[string]bool{}
			var order []string
			for pages := 0; ; pages++ {
				if pages > c.want+1 {
					t.Fatalf("cursor never ends: %v", order)
				}
				res := mustSearch(t, idx, q)
				for _, id := range IDs(res) {
					if seen[id] {
						t.Fatalf("cursor repeats %s after %v", id, order)
					}
					seen[id] = true
					order = append(order, id)
				}
				if res.NextCursor == "" {
					break
				}
				q.Cursor = res.NextCursor
			}
			if len(order) != c.want {
				t.Fatalf("cursor paging found %d products %v, want %d", len(order), order, c.want)
			}
			// The same order as one big page.
			all := c.q
			all.Size = catalog.MaxPageSize
			if got := IDs(mustSearch(t, idx, all)); c.q.Sort != "" && c.q.Sort != catalog.SortRelevance && !slices.Equal(got, order) {
				t.Errorf("cursor order %v, one page %v", order, got)
			}
		})
	}
	for _, bad := range []catalog.Query{{Cursor: "not a cursor"}, {Cursor: catalog.CursorStart, Page: 2}, {Cursor: "W10"}} {
		if _, err := idx.Search(context.Background(), bad); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("Search(cursor %q page %d): %v, want invalid", bad.Cursor, bad.Page, err)
		}
	}
	deep := catalog.Query{Cursor: catalog.CursorStart, Size: catalog.MaxPageSize}
	if _, err := idx.Search(context.Background(), deep); err != nil {
		t.Errorf("a cursor query: %v", err)
	}
}

func hitOf(t *testing.T, res catalog.Result, id string) catalog.Hit {
	t.Helper()
	for _, h := range res.Hits {
		if h.Product.ID == id {
			return h
		}
	}
	t.Fatalf("no hit %s in %v", id, IDs(res))
	return catalog.Hit{}
}

func testHighlights(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name, q, id, field, want string
	}{
		{"word in name", "chaise", chairWood, "name", "<mark>Chaise</mark> pliante en bois"},
		{"word in description", "robuste", chairWood, "description", "Chaise pliante <mark>robuste</mark>, idéale pour l'événement en extérieur."},
		{"folded and elided word", "evenement", ticket, "name", "Billet pour <mark>l'événement</mark> annuel"},
		{"raw text, not escaped", "moulin", saltPepper, "name", "Sel & poivre <mark>moulin</mark>"},
		{"typo", "chaize", chairOffice, "name", "<mark>Chaise</mark> de bureau ergonomique"},
		{"prefix", "cafet", coffee, "name", "<mark>Cafetière</mark> électrique"},
		{"synonym", "tshirt", tshirt1, "name", "<mark>T-shirt</mark> coton bio"},
		{"two words", "chaise bois", chairWood, "name", "<mark>Chaise</mark> pliante en <mark>bois</mark>"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := hitOf(t, mustSearch(t, idx, catalog.Query{Text: c.q}), c.id)
			got := h.Highlights[c.field]
			if len(got) == 0 || got[0] != c.want {
				t.Errorf("q=%q highlights[%s] = %q, want %q", c.q, c.field, got, c.want)
			}
		})
	}
	t.Run("no text, no highlights", func(t *testing.T) {
		for _, h := range mustSearch(t, idx, catalog.Query{}).Hits {
			if len(h.Highlights) != 0 {
				t.Fatalf("%s has highlights %v", h.Product.ID, h.Highlights)
			}
		}
	})
}

func testDidYouMean(t *testing.T, idx catalog.Index) {
	cases := []struct{ q, want string }{
		{"chauze", "chaise"},
		{"chauze pliante", "chaise pliante"},
		{"chaise", ""},         // hits: no suggestion
		{"BC1012", ""},         // identifiers are never corrected
		{"zzzzzzzzzzzzzz", ""}, // nothing close
	}
	for _, c := range cases {
		t.Run(c.q, func(t *testing.T) {
			res := mustSearch(t, idx, catalog.Query{Text: c.q})
			if res.Suggestion != c.want {
				t.Errorf("q=%q suggestion %q, want %q (hits %v)", c.q, res.Suggestion, c.want, IDs(res))
			}
		})
	}
}

func testSuggest(t *testing.T, idx catalog.Index) {
	ctx := context.Background()
	has := func(list []catalog.Suggestion, s catalog.Suggestion) bool { return slices.Contains(list, s) }
	t.Run("brand first", func(t *testing.T) {
		got, err := idx.Suggest(ctx, "acm", 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0] != (catalog.Suggestion{Text: "Acme", Kind: catalog.SuggestBrand}) {
			t.Errorf("Suggest(acm) = %v, want Acme brand first", got)
		}
	})
	t.Run("names and categories by prefix", func(t *testing.T) {
		got, err := idx.Suggest(ctx, "cha", 8)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []catalog.Suggestion{
			{Text: "Chaise pliante en bois", Kind: catalog.SuggestName},
			{Text: "Sport > Chaussures", Kind: catalog.SuggestCategory},
		} {
			if !has(got, want) {
				t.Errorf("Suggest(cha) = %v, lacks %v", got, want)
			}
		}
		for _, s := range got {
			ok := false
			for _, w := range search.Words(s.Text) {
				ok = ok || strings.HasPrefix(w, "cha")
			}
			if !ok {
				t.Errorf("Suggest(cha) proposes %q", s.Text)
			}
		}
	})
	t.Run("folded, several words", func(t *testing.T) {
		got, err := idx.Suggest(ctx, "Cafetière élec", 5)
		if err != nil {
			t.Fatal(err)
		}
		if w := []catalog.Suggestion{{Text: "Cafetière électrique", Kind: catalog.SuggestName}}; !slices.Equal(got, w) {
			t.Errorf("got %v, want %v", got, w)
		}
	})
	t.Run("category", func(t *testing.T) {
		got, err := idx.Suggest(ctx, "cuisi", 8)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) == 0 || got[0] != (catalog.Suggestion{Text: "Maison > Cuisine", Kind: catalog.SuggestCategory}) {
			t.Errorf("Suggest(cuisi) = %v, want the category first", got)
		}
		if !has(got, catalog.Suggestion{Text: "Couteau de cuisine", Kind: catalog.SuggestName}) {
			t.Errorf("Suggest(cuisi) = %v, lacks Couteau de cuisine", got)
		}
	})
	t.Run("size and empty", func(t *testing.T) {
		got, err := idx.Suggest(ctx, "c", 3)
		if err != nil || len(got) == 0 || len(got) > 3 {
			t.Errorf("Suggest(c, 3) = %v, %v", got, err)
		}
		got, err = idx.Suggest(ctx, "  ", 3)
		if err != nil || len(got) != 0 {
			t.Errorf("Suggest(blank) = %v, %v", got, err)
		}
	})
}

func testCaps(t *testing.T, idx catalog.Index) {
	cases := []struct {
		name string
		q    catalog.Query
		code catalog.Code
	}{
		{"page size", catalog.Query{Size: catalog.MaxPageSize + 1}, catalog.CodeInvalid},
		{"page depth", catalog.Query{Page: catalog.MaxResultDepth/catalog.MaxPageSize + 1, Size: catalog.MaxPageSize}, catalog.CodeInvalid},
		{"text length", catalog.Query{Text: strings.Repeat("é", catalog.MaxQueryLength+1)}, catalog.CodeInvalid},
		{"unknown facet", catalog.Query{Facets: []string{"bogus"}}, catalog.CodeInvalid},
		{"facet size", catalog.Query{Facets: []string{"brand"}, FacetSize: catalog.MaxFacetSize + 1}, catalog.CodeInvalid},
		{"sort", catalog.Query{Sort: "random"}, catalog.CodeInvalid},
		{"negative page", catalog.Query{Page: -1}, catalog.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := idx.Search(context.Background(), c.q)
			if catalog.CodeOf(err) != c.code {
				t.Errorf("Search(%s) error %v, want code %s", c.name, err, c.code)
			}
		})
	}
}

func nameOf(t *testing.T, idx catalog.Index, id string) string {
	t.Helper()
	for _, h := range mustSearch(t, idx, catalog.Query{}).Hits {
		if h.Product.ID == id {
			return h.Product.Name
		}
	}
	return ""
}

func testVersions(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	ctx := context.Background()
	p := Fixture()[0]
	upsert := func(version int64, name string) {
		t.Helper()
		q := p
		q.Version, q.Name = version, name
		if err := idx.Upsert(ctx, []catalog.Product{q}); err != nil {
			t.Fatalf("Upsert v%d: %v", version, err)
		}
		refresh(t, idx)
	}
	upsert(2, "two")
	upsert(1, "one") // late: ignored
	if got := nameOf(t, idx, p.ID); got != "two" {
		t.Fatalf("after a late v1, name = %q, want two", got)
	}
	upsert(2, "two again") // a replay of the same version is harmless
	upsert(3, "three")
	if got := nameOf(t, idx, p.ID); got != "three" {
		t.Fatalf("after v3, name = %q, want three", got)
	}
	// Within one call, the highest version wins whatever the order.
	a, b := p, p
	a.Version, a.Name = 5, "five"
	b.Version, b.Name = 4, "four"
	if err := idx.Upsert(ctx, []catalog.Product{a, b}); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	if got := nameOf(t, idx, p.ID); got != "five" {
		t.Fatalf("after [v5, v4], name = %q, want five", got)
	}
	if res := mustSearch(t, idx, catalog.Query{Text: "five"}); len(res.Hits) != 1 {
		t.Fatalf("the new name is not searchable: %v", IDs(res))
	}
	other := Fixture()[1]
	if err := idx.Upsert(ctx, []catalog.Product{other}); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	if err := idx.Delete(ctx, []string{p.ID, "p9:missing"}); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	refresh(t, idx)
	if n, err := idx.Count(ctx); err != nil || n != 1 {
		t.Fatalf("Count after delete = %d, %v; want 1", n, err)
	}
	if got := IDs(mustSearch(t, idx, catalog.Query{})); !slices.Equal(got, []string{other.ID}) {
		t.Fatalf("after delete: %v", got)
	}
	if err := idx.Upsert(ctx, []catalog.Product{{Name: "no id"}}); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Errorf("Upsert without id: %v, want invalid", err)
	}
}

func testReindex(t *testing.T, idx catalog.Index, refresh func(*testing.T, catalog.Index)) {
	ctx := context.Background()
	stale := Fixture()[0]
	stale.ID, stale.Key, stale.Name = "p9:stale", "stale", "Produit obsolète"
	if err := idx.Upsert(ctx, []catalog.Product{stale}); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	src := func(yield func(catalog.Product, error) bool) {
		for _, p := range Fixture() {
			if !yield(p, nil) {
				return
			}
		}
	}
	last := 0
	n, err := idx.(Reindexer).Reindex(ctx, src, func(done int) { last = done })
	if err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	refresh(t, idx)
	if n != len(Fixture()) || last != n {
		t.Errorf("Reindex = %d (progress %d), want %d", n, last, len(Fixture()))
	}
	if c, err := idx.Count(ctx); err != nil || c != len(Fixture()) {
		t.Errorf("Count after reindex = %d, %v", c, err)
	}
	if got := IDs(mustSearch(t, idx, catalog.Query{Text: "obsolete"})); len(got) != 0 {
		t.Errorf("a product absent from the source survived: %v", got)
	}
	if got := IDs(mustSearch(t, idx, catalog.Query{Text: "BC1010"})); len(got) == 0 || got[0] != chairWood {
		t.Errorf("search after reindex: %v", got)
	}
	// Writes after the swap go to the new index.
	late := Fixture()[1]
	late.Version, late.Name = 9, "Fauteuil club"
	if err := idx.Upsert(ctx, []catalog.Product{late}); err != nil {
		t.Fatal(err)
	}
	refresh(t, idx)
	if got := IDs(mustSearch(t, idx, catalog.Query{Text: "fauteuil"})); !slices.Equal(got, []string{late.ID}) {
		t.Errorf("write after reindex: %v", got)
	}
}

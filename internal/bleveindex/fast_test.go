package bleveindex

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestColumnPathsMatchCollector checks that the column paths (one pass over
// Bleve's hits, and category pages from the columns alone) give what
// Bleve's own collector and facets give, over generated products from
// several partners, with deleted and updated documents in the snapshot.
func TestColumnPathsMatchCollector(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{BatchSize: 300})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	var all []catalog.Product
	for _, prof := range demogen.Profiles() {
		_, err := demogen.EachProduct(ctx, demogen.Options{Seed: 3, Rows: 600, Profile: prof}, func(p catalog.Product) error {
			p.Version = 1
			// Distinct times: Bleve keeps ties in index order, and a
			// background segment merge may renumber documents between two
			// searches, so a sort with ties is not a stable thing to compare.
			p.UpdatedAt = time.Unix(1_700_000_000+int64(len(all)), 0).UTC()
			all = append(all, p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Upsert(ctx, all); err != nil {
		t.Fatal(err)
	}
	// Deleted and rewritten documents leave holes in the document numbers.
	var gone []string
	var changed []catalog.Product
	for i, p := range all {
		switch i % 7 {
		case 0:
			gone = append(gone, p.ID)
		case 1:
			p.Version = 2
			p.Name += " révisé"
			changed = append(changed, p)
		}
	}
	if err := x.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(ctx, changed); err != nil {
		t.Fatal(err)
	}
	p := all[10]
	top, leaf := p.Category[0], p.Category[len(p.Category)-1]
	if len(p.Category) > 1 {
		leaf = p.Category[0] + " > " + p.Category[1]
	}
	word := search.Fold(p.Name[:5])
	lo, hi := catalog.MustDecimal("5"), catalog.MustDecimal("80")
	all4 := []string{catalog.FacetBrand, catalog.FacetCategory, catalog.FacetPartner, catalog.FacetPrice}
	cases := []catalog.Query{
		{Filters: catalog.Filters{Categories: []string{top}}, Facets: []string{catalog.FacetBrand, catalog.FacetCategory, catalog.FacetPrice}},
		{Filters: catalog.Filters{Categories: []string{leaf}}, Facets: all4},
		{Filters: catalog.Filters{Categories: []string{top, leaf}}, Facets: all4, Sort: catalog.SortPriceAsc},
		{Filters: catalog.Filters{Categories: []string{top}, Brands: []string{p.Brand}}, Facets: all4},
		{Filters: catalog.Filters{Categories: []string{top}, PriceMin: &lo, PriceMax: &hi}, Facets: all4, Sort: catalog.SortName},
		{Filters: catalog.Filters{Brands: []string{p.Brand}}, Facets: all4, Sort: catalog.SortPriceDesc},
		{Filters: catalog.Filters{Partners: []string{p.Partner}}, Facets: all4, Page: 3},
		{Filters: catalog.Filters{Categories: []string{"no such category"}}, Facets: all4},
		{Facets: all4},
		{Facets: all4, Sort: catalog.SortNewest, Page: 2, Size: 50},
		{Text: word + " ", Facets: all4},
		{Text: word, Filters: catalog.Filters{Brands: []string{p.Brand}}, Facets: all4},
		{Text: word + " ", Filters: catalog.Filters{Categories: []string{top}, PriceMin: &lo}, Facets: all4, Sort: catalog.SortPriceAsc},
		{Text: p.Brand + " ", Filters: catalog.Filters{Currency: "EUR"}, Facets: all4},
		{Filters: catalog.Filters{Categories: []string{top}, Currency: "USD"}, Facets: all4},
	}
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for i, q := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			q.Page, q.Size, q.FacetSize = max(q.Page, 1), max(q.Size, 20), 10
			if err := q.Validate(); err != nil {
				t.Fatal(err)
			}
			text := textQuery(search.NewPlan(q.Text, x.syn), x.txt)
			// Twice on the columns: the second meets the cached counts.
			for round := range 2 {
				got, err := x.searchColumns(ctx, idx, q, text)
				if err != nil {
					t.Fatal(err)
				}
				want, err := x.searchCollector(ctx, idx, q, text)
				if err != nil {
					t.Fatal(err)
				}
				if got.Total != want.Total || !samePage(q, text != nil, got, want) {
					t.Errorf("round %d %+v: columns total %d hits %v; collector total %d hits %v",
						round, q, got.Total, indextest.IDs(got), want.Total, indextest.IDs(want))
				}
				if !reflect.DeepEqual(got.Facets, want.Facets) {
					t.Errorf("round %d %+v: facets\ncolumns   %v\ncollector %v", round, q, got.Facets, want.Facets)
				}
			}
		})
	}
}

// samePage reports whether two pages hold the same hits in the same order
// of q's sort; scored says the query has text (a plan with words), so that
// relevance sorts by score, else by newest. Ties are in index order, which a background segment merge
// between the two searches may renumber: so the sort keys must be the same
// position by position, and the products the same within every run of equal
// keys that the page holds whole (a run cut by an edge of the page may hold
// other tied products).
func samePage(q catalog.Query, scored bool, a, b catalog.Result) bool {
	key := func(h catalog.Hit) string {
		switch {
		case q.Sort == catalog.SortPriceAsc || q.Sort == catalog.SortPriceDesc:
			return fmt.Sprint(h.Product.Price)
		case q.Sort == catalog.SortName:
			return search.Fold(h.Product.Name)
		case q.Sort == catalog.SortNewest || !scored:
			return h.Product.UpdatedAt.String()
		}
		return fmt.Sprintf("%.9g", h.Score)
	}
	if len(a.Hits) != len(b.Hits) {
		return false
	}
	for i := range a.Hits {
		if key(a.Hits[i]) != key(b.Hits[i]) {
			return false
		}
	}
	ids := func(hits []catalog.Hit) []string {
		out := make([]string, 0, len(hits))
		for _, h := range hits {
			out = append(out, h.Product.ID)
		}
		slices.Sort(out)
		return out
	}
	for start := 0; start < len(a.Hits); {
		end := start + 1
		for end < len(a.Hits) && key(a.Hits[end]) == key(a.Hits[start]) {
			end++
		}
		whole := start > 0 && end < len(a.Hits)
		if whole && !slices.Equal(ids(a.Hits[start:end]), ids(b.Hits[start:end])) {
			return false
		}
		start = end
	}
	return true
}

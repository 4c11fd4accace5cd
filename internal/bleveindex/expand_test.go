package bleveindex

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestTypoClausesLeaveTheWordToItsExactClauses checks what makes a common
// word cheap at a million products: the typo clauses of a word, in the
// folded fields, do not read the word's own postings again (its exact
// clauses, in the stemmed fields, match it). "lampe" has no neighbour
// within one edit in these products, so its typo clauses read nothing; in
// the legacy shape (Bleve's fuzzy query, which matches the word itself)
// they read the postings of every product named a lamp, which the test
// checks too, so that it can fail.
func TestTypoClausesLeaveTheWordToItsExactClauses(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	var ps []catalog.Product
	for i, name := range []string{"Lampe de bureau", "Lampe LED", "Table basse", "Chaise pliante"} {
		ps = append(ps, catalog.Product{ID: catalog.ProductID("p", fmt.Sprint(i)), Partner: "p", Key: fmt.Sprint(i), Name: name, Version: 1})
	}
	if err := x.Upsert(ctx, ps); err != nil {
		t.Fatal(err)
	}
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	plan := search.NewPlan("lampe ", x.syn)
	for _, tc := range []struct {
		legacy bool
		want   uint64
	}{{legacy: false, want: 0}, {legacy: true, want: 2}} {
		if got := foldTypoPostings(t, idx, buildTextQuery(plan, x.txt, tc.legacy)); got != tc.want {
			t.Errorf("legacy %v: the typo clauses of %q read %d postings, want %d", tc.legacy, "lampe", got, tc.want)
		}
	}
	// The exact clauses still find both lamps.
	res, err := x.Search(ctx, catalog.Query{Text: "lampe ", Page: 1, Size: 10, FacetSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 {
		t.Errorf("lampe: %d hits %v, want the 2 lamps", res.Total, indextest.IDs(res))
	}
}

// foldTypoPostings adds up the postings the clauses of q on the folded
// fields other than term clauses (the typo clauses) would read.
func foldTypoPostings(t *testing.T, idx bleve.Index, q query.Query) uint64 {
	t.Helper()
	fold := map[string]bool{}
	for _, f := range search.TextFields() {
		fold[f.Fold] = f.Fold != ""
	}
	adv, err := idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	var n uint64
	var walk func(q query.Query)
	walk = func(q query.Query) {
		count := func() {
			s, err := q.Searcher(context.Background(), r, idx.Mapping(), bsearch.SearcherOptions{})
			if err != nil {
				t.Fatal(err)
			}
			n += s.Count()
			_ = s.Close()
		}
		switch v := q.(type) {
		case *query.DisjunctionQuery:
			for _, c := range v.Disjuncts {
				walk(c)
			}
		case *query.BooleanQuery:
			walk(v.Must)
		case *query.ConjunctionQuery:
			for _, c := range v.Conjuncts {
				walk(c)
			}
		case *query.FuzzyQuery:
			if fold[v.FieldVal] {
				count()
			}
		case *typoQuery:
			if fold[v.field] {
				count()
			}
		}
	}
	walk(q)
	return n
}

// TestShapesMatchTheSameProducts runs the conformance suite on an index
// that, for every query with text the suite sends, also matches it in the
// legacy text query shape (SetLegacyTextQuery) and compares the products
// both shapes match, all of them, not only the page: the current shape
// reads fewer postings and scores typos differently, but must find the
// same products.
func TestShapesMatchTheSameProducts(t *testing.T) {
	var mu sync.Mutex
	compared := 0
	indextest.Run(t, indextest.Harness{
		New: func(t *testing.T, syn *search.Synonyms) catalog.Index {
			x, err := Open(filepath.Join(t.TempDir(), "index"), Options{Synonyms: syn})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = x.Close() })
			return &bothShapes{Index: x, t: t, count: func() { mu.Lock(); compared++; mu.Unlock() }}
		},
	})
	t.Logf("compared %d queries in both shapes", compared)
	if compared < 100 {
		t.Errorf("compared %d queries; the suite sends more", compared)
	}
}

// bothShapes is an Index whose Search also compares the products matched
// by both text query shapes.
type bothShapes struct {
	*Index
	t     *testing.T
	count func()
}

// Search implements catalog.Index.
func (b *bothShapes) Search(ctx context.Context, q catalog.Query) (catalog.Result, error) {
	res, err := b.Index.Search(ctx, q)
	if err != nil || q.Validate() != nil {
		return res, err
	}
	plan := search.NewPlan(q.Text, b.syn)
	if plan.Empty() {
		return res, nil
	}
	idx, release, err := b.reader()
	if err != nil {
		return res, err
	}
	defer release()
	var matched [2][]string
	for i, legacy := range []bool{false, true} {
		req := bleve.NewSearchRequestOptions(combine(buildTextQuery(plan, b.txt, legacy), filterQuery(q.Filters, "")), 10000, 0, false)
		req.Score = bleve.ScoreNone
		r, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return res, err
		}
		for _, h := range r.Hits {
			matched[i] = append(matched[i], h.ID)
		}
		slices.Sort(matched[i])
	}
	if !slices.Equal(matched[0], matched[1]) {
		b.t.Errorf("query %q %+v: current shape matches %v, legacy %v", q.Text, q.Filters, matched[0], matched[1])
	}
	b.count()
	return res, nil
}

// TestWordTypedTwiceIsOneClause checks that a word typed twice ("lampe
// lampe") makes one clause of the text query, not two that read the same
// postings (the legacy shape made two, which the test checks so that it
// can fail), and that the query finds the same products as the word once.
func TestWordTypedTwiceIsOneClause(t *testing.T) {
	ctx := context.Background()
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Upsert(ctx, []catalog.Product{
		{ID: "p:1", Partner: "p", Key: "1", Name: "Lampe de bureau", Version: 1},
		{ID: "p:2", Partner: "p", Key: "2", Name: "Lampe lampe LED", Version: 1},
		{ID: "p:3", Partner: "p", Key: "3", Name: "Table basse", Version: 1},
	}); err != nil {
		t.Fatal(err)
	}
	clauses := func(q query.Query) int {
		if d, ok := q.(*query.DisjunctionQuery); ok { // text or identifier
			q = d.Disjuncts[0]
		}
		return len(q.(*query.BooleanQuery).Must.(*query.ConjunctionQuery).Conjuncts)
	}
	plan := search.NewPlan("lampe lampe ", x.syn)
	for _, tc := range []struct {
		legacy bool
		want   int
	}{{false, 1}, {true, 2}} {
		if got := clauses(buildTextQuery(plan, x.txt, tc.legacy)); got != tc.want {
			t.Errorf("legacy %v: %d clauses for %q, want %d", tc.legacy, got, "lampe lampe", tc.want)
		}
	}
	once, err := x.Search(ctx, catalog.Query{Text: "lampe ", Page: 1, Size: 10, FacetSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := x.Search(ctx, catalog.Query{Text: "lampe lampe ", Page: 1, Size: 10, FacetSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(indextest.IDs(once), indextest.IDs(twice)) {
		t.Errorf("lampe lampe: %v, lampe: %v", indextest.IDs(twice), indextest.IDs(once))
	}
}

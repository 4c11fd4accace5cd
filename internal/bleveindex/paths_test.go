package bleveindex

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestPathsAgreeOnEveryConformanceQuery is the differential test of the
// two search paths. It runs the whole conformance suite (internal/indextest)
// on indexes that, for every query the suite sends, also run that query on
// the column path (fast.go) and on Bleve's collector, on the same index, and
// compare what they answer: the total, the hits (ids in order, ties
// tolerated as in samePage) and the facets. When the strict pass finds
// nothing, the relaxed pass is compared the same way. The suite's queries
// are taken as it sends them, so a case added to the suite is compared
// too. Queries only the collector can run (cursor pages, grade and
// attribute facets) are counted apart.
func TestPathsAgreeOnEveryConformanceQuery(t *testing.T) {
	var seen pathsSeen
	indextest.Run(t, indextest.Harness{
		New: func(t *testing.T, syn *search.Synonyms) catalog.Index {
			x, err := Open(filepath.Join(t.TempDir(), "index"), Options{Synonyms: syn})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := x.Close(); err != nil {
					t.Error(err)
				}
			})
			return &bothPaths{Index: x, t: t, seen: &seen}
		},
	})
	t.Logf("compared %d queries on both paths (%d relaxed passes); %d ran on the collector only",
		seen.compared, seen.relaxed, seen.collectorOnly)
	// The suite sends a few hundred queries: a run that compared only a
	// few proves nothing.
	if seen.compared < 100 || seen.relaxed == 0 {
		t.Errorf("compared %d queries and %d relaxed passes; the suite sends more", seen.compared, seen.relaxed)
	}
}

// pathsSeen counts the queries bothPaths looked at.
type pathsSeen struct {
	mu                               sync.Mutex
	compared, relaxed, collectorOnly int
}

func (s *pathsSeen) add(compared, relaxed, collectorOnly bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range []struct {
		yes bool
		n   *int
	}{{compared, &s.compared}, {relaxed, &s.relaxed}, {collectorOnly, &s.collectorOnly}} {
		if c.yes {
			*c.n++
		}
	}
}

// bothPaths is an Index whose Search answers as the Index does and, on the
// side, runs the query on both paths and reports to t where they differ.
type bothPaths struct {
	*Index
	t    *testing.T
	seen *pathsSeen
}

// Search implements catalog.Index.
func (b *bothPaths) Search(ctx context.Context, q catalog.Query) (catalog.Result, error) {
	res, err := b.Index.Search(ctx, q)
	if err != nil {
		return res, err
	}
	if err := b.compare(ctx, q); err != nil {
		b.t.Errorf("query %+v: %v", q, err)
	}
	return res, nil
}

// compare runs q (valid) on the columns and on the collector, and its
// relaxed pass when its strict pass finds nothing.
func (b *bothPaths) compare(ctx context.Context, q catalog.Query) error {
	x := b.Index
	if err := q.Validate(); err != nil {
		return err
	}
	if !fastPath(q) {
		b.seen.add(false, false, true)
		return nil
	}
	idx, release, err := x.reader()
	if err != nil {
		return err
	}
	defer release()
	plan := search.NewPlan(q.Text, x.syn)
	total, err := x.comparePaths(ctx, idx, q, textQuery(plan, x.txt))
	if err != nil || total > 0 || len(plan.Words) == 0 {
		b.seen.add(err == nil, false, false)
		return err
	}
	r, ok, err := x.relaxedPlan(ctx, idx, q, plan)
	if err != nil || !ok {
		b.seen.add(err == nil, false, false)
		return err
	}
	_, err = x.comparePaths(ctx, idx, relaxedQuery(q), textQuery(r.Plan, x.txt))
	if err != nil {
		return fmt.Errorf("relaxed pass (dropped %q): %w", r.Dropped, err)
	}
	b.seen.add(true, true, false)
	return nil
}

// comparePaths runs q with text on both paths and returns the total they
// agree on, or where they differ.
func (x *Index) comparePaths(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) (int, error) {
	cols, err := x.searchBuiltColumns(ctx, idx, q, text)
	if err != nil {
		return 0, fmt.Errorf("columns: %w", err)
	}
	coll, err := x.searchCollector(ctx, idx, q, text)
	if err != nil {
		return 0, fmt.Errorf("collector: %w", err)
	}
	if d := pathDiff(q, text != nil, cols, coll); d != "" {
		return 0, errors.New(d)
	}
	return coll.Total, nil
}

// pathDiff says where the column path's answer (cols) differs from the
// collector's (coll), "" when it does not. Scores are compared only where
// they order the hits (scored): without text the column path gives 0 and
// the collector 1, which no order depends on.
func pathDiff(q catalog.Query, scored bool, cols, coll catalog.Result) string {
	var diffs []string
	if cols.Total != coll.Total || cols.TotalExact != coll.TotalExact {
		diffs = append(diffs, fmt.Sprintf("total: columns %d (exact %v), collector %d (exact %v)",
			cols.Total, cols.TotalExact, coll.Total, coll.TotalExact))
	}
	if !samePage(q, scored, cols, coll) {
		diffs = append(diffs, fmt.Sprintf("hits: columns %v, collector %v", indextest.IDs(cols), indextest.IDs(coll)))
	}
	if !reflect.DeepEqual(cols.Facets, coll.Facets) {
		diffs = append(diffs, fmt.Sprintf("facets:\n  columns   %v\n  collector %v", cols.Facets, coll.Facets))
	}
	if cols.PriceCurrency != coll.PriceCurrency {
		diffs = append(diffs, fmt.Sprintf("price currency: columns %q, collector %q", cols.PriceCurrency, coll.PriceCurrency))
	}
	return strings.Join(diffs, "; ")
}

// searchBuiltColumns runs q on the column path over columns built, here and
// now, for idx's current snapshot: Search itself would answer from the
// collector while the cache's columns are stale, and the tests comparing
// the two paths must compare them.
func (x *Index) searchBuiltColumns(ctx context.Context, idx bleve.Index, q catalog.Query, text query.Query) (catalog.Result, error) {
	adv, err := idx.Advanced()
	if err != nil {
		return catalog.Result{}, err
	}
	r, err := adv.Reader()
	if err != nil {
		return catalog.Result{}, err
	}
	defer func() { _ = r.Close() }()
	gen := x.facets.generation()
	cols, err := buildColumns(ctx, r, idx)
	if err != nil {
		return catalog.Result{}, err
	}
	return x.searchColumns(ctx, idx, cols, gen, q, text)
}

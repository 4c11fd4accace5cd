package bleveindex_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
)

// TestConcurrentUse runs writes, searches (both search paths) and
// suggestions at once: run it with -race. Every search must succeed and
// see a consistent page: its total never below the products written
// before it started.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	x, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{BatchSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	base := indextest.Fixture()
	if err := x.Upsert(ctx, base); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	wg.Go(func() { // writer: 10 rounds of 100 new chairs
		for round := range 10 {
			var ps []catalog.Product
			for i := range 100 {
				p := base[0]
				p.Key = fmt.Sprintf("C-%d-%d", round, i)
				p.ID = catalog.ProductID("p9", p.Key)
				p.Partner = "p9"
				ps = append(ps, p)
			}
			if err := x.Upsert(ctx, ps); err != nil {
				errs <- err
				return
			}
		}
	})
	for r := range 3 {
		wg.Add(1)
		go func(r int) {
			defer wg.Done()
			for range 30 {
				q := catalog.Query{Text: "chaise", Facets: []string{"brand", "category", "partner"}, Filters: catalog.Filters{Brands: []string{"Acme"}}}
				if r == 1 {
					q.Facets = append(q.Facets, "attr.Color") // the collector path
				}
				res, err := x.Search(ctx, q)
				if err != nil {
					errs <- err
					return
				}
				if res.Total < 2 || len(res.Facets["brand"]) == 0 {
					errs <- fmt.Errorf("search saw %d hits, facets %v", res.Total, res.Facets)
					return
				}
				if _, err := x.Suggest(ctx, "cha", 5); err != nil {
					errs <- err
					return
				}
			}
		}(r)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := x.Count(ctx); err != nil || n != len(base)+1000 {
		t.Errorf("Count = %d, %v; want %d", n, err, len(base)+1000)
	}
}

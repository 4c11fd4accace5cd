package bleveindex_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// TestIndexFolderDeletedUnderOpenIndex: the index folder deleted under an
// open index (as under a running stack) made the next write fail, and
// Bleve, left in a broken state, panicked on the next search (in a
// goroutine of its own: no recover could catch it). Every call now returns
// the coded error of a broken index (CodeUnavailable), no panic, until
// Reindex rebuilds the index from the store.
func TestIndexFolderDeletedUnderOpenIndex(t *testing.T) {
	for _, tc := range []struct {
		name    string
		deleted string // under the index folder; "" = the folder itself
	}{
		{"whole folder", ""},
		{"segments only", "store"}, // the write itself finds out
	} {
		t.Run(tc.name, func(t *testing.T) { testIndexDeleted(t, tc.deleted) })
	}
}

func testIndexDeleted(t *testing.T, deleted string) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "index")
	x, err := bleveindex.Open(path, bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	fx := indextest.Fixture()
	if err := x.Upsert(ctx, fx[:3]); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(path, deleted)); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Search(ctx, catalog.Query{Text: "drill", Size: 10}); deleted == "" && catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Errorf("search of a deleted index folder: %v, want a %s error", err, catalog.CodeUnavailable)
	}
	// The feed's next round: a write into the deleted folder.
	later := make([]catalog.Product, 0, len(fx)-3)
	for _, p := range fx[3:] {
		p.Version++
		later = append(later, p)
	}
	if err := x.Upsert(ctx, later); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Errorf("upsert into a deleted index folder: %v, want a %s error", err, catalog.CodeUnavailable)
	}
	calls := []struct {
		name string
		call func() error
	}{
		{"search", func() error { _, err := x.Search(ctx, catalog.Query{Text: "drill", Size: 10}); return err }},
		{"browse", func() error { _, err := x.Search(ctx, catalog.Query{Size: 10}); return err }},
		{"suggest", func() error { _, err := x.Suggest(ctx, "dri", 5); return err }},
		{"count", func() error { _, err := x.Count(ctx); return err }},
		{"delete", func() error { return x.Delete(ctx, []string{fx[0].ID}) }},
		{"upsert", func() error { return x.Upsert(ctx, fx[:1]) }},
		{"optimize", func() error { return x.Optimize(ctx) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("panic: %v", r)
				}
			}()
			if err := c.call(); catalog.CodeOf(err) != catalog.CodeUnavailable {
				t.Fatalf("%v, want a %s error", err, catalog.CodeUnavailable)
			}
		})
	}

	// Rebuilt from the store, the index is in use again.
	src := search.Source(func(yield func(catalog.Product, error) bool) {
		for _, p := range fx {
			if !yield(p, nil) {
				return
			}
		}
	})
	if n, err := x.Reindex(ctx, src, nil); err != nil || n != len(fx) {
		t.Fatalf("reindex: %d, %v", n, err)
	}
	if n, err := x.Count(ctx); err != nil || n != len(fx) {
		t.Fatalf("count after reindex: %d, %v", n, err)
	}
	if res, err := x.Search(ctx, catalog.Query{Size: 50}); err != nil || len(res.Hits) != len(fx) {
		t.Fatalf("search after reindex: %d hits, %v", len(res.Hits), err)
	}
}

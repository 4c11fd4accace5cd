package bleveindex_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"

	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

func TestConformance(t *testing.T) {
	indextest.Run(t, indextest.Harness{
		New: func(t *testing.T, syn *search.Synonyms) catalog.Index {
			x, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{Synonyms: syn})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := x.Close(); err != nil {
					t.Error(err)
				}
			})
			return x
		},
	})
}

func TestFreshAndOutdatedIndex(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "index")
	x, err := bleveindex.Open(path, bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !x.Fresh() {
		t.Error("a new index is not Fresh")
	}
	if err := x.Upsert(ctx, indextest.Fixture()); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	x, err = bleveindex.Open(path, bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := x.Count(ctx); x.Fresh() || n != len(indextest.Fixture()) {
		t.Errorf("reopened index: fresh %v, %d documents", x.Fresh(), n)
	}
	_ = x.Close()

	// An index of another layout (here: a plain Bleve index) is replaced.
	old := filepath.Join(t.TempDir(), "old")
	b, err := bleve.New(old, bleve.NewIndexMapping())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Index("x", map[string]any{"name": "old"}); err != nil {
		t.Fatal(err)
	}
	_ = b.Close()
	x, err = bleveindex.Open(old, bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	if n, _ := x.Count(ctx); !x.Fresh() || n != 0 {
		t.Errorf("outdated index: fresh %v, %d documents; want a fresh empty one", x.Fresh(), n)
	}
}

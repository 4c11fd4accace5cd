package bleveindex_test

import (
	"path/filepath"
	"testing"

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

package osindex_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// nodeURL returns the OpenSearch node the tests run against: OPENSEARCH_URL,
// set by `make test-search` (which starts a local node) or by hand.
func nodeURL(t *testing.T) string {
	u := os.Getenv("OPENSEARCH_URL")
	if u == "" && os.Getenv("OPENSEARCH_REQUIRED") != "" {
		t.Fatal("OPENSEARCH_REQUIRED is set but OPENSEARCH_URL is not")
	}
	if u == "" {
		t.Skip("OPENSEARCH_URL is not set: `make test-search` starts a local OpenSearch node and runs these tests against it")
	}
	return u
}

func newIndex(t *testing.T, syn *search.Synonyms) *osindex.Index {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	x, err := osindex.New(context.Background(), osindex.Config{
		URL: nodeURL(t), Alias: "ctest-" + hex.EncodeToString(b), Synonyms: syn,
	})
	if err != nil {
		t.Fatalf("osindex.New: %v", err)
	}
	t.Cleanup(func() {
		if err := x.Drop(context.Background()); err != nil {
			t.Errorf("Drop: %v", err)
		}
	})
	return x
}

func TestConformance(t *testing.T) {
	nodeURL(t)
	indextest.Run(t, indextest.Harness{
		New: func(t *testing.T, syn *search.Synonyms) catalog.Index { return newIndex(t, syn) },
		Refresh: func(t *testing.T, idx catalog.Index) {
			if err := idx.(*osindex.Index).Refresh(context.Background()); err != nil {
				t.Fatal(err)
			}
		},
	})
}

package osindex_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
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

// TestDeletesOutliveLateReplays: the index keeps a deleted document's
// version for as long as a stream record may be replayed, so an old upsert
// arriving after the delete is refused instead of bringing it back.
func TestDeletesOutliveLateReplays(t *testing.T) {
	x := newIndex(t, nil)
	ctx := context.Background()
	p := catalog.Product{ID: "acme:late", Partner: "acme", Key: "late", Name: "replayed chair", Version: 3}
	if err := x.Upsert(ctx, []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, []string{p.ID}); err != nil {
		t.Fatal(err)
	}
	old := p
	old.Version = 2
	if err := x.Upsert(ctx, []catalog.Product{old}); err != nil {
		t.Fatal(err)
	}
	if err := x.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := x.Count(ctx); err != nil || n != 0 {
		t.Fatalf("count after delete and a late older upsert = %d (%v), want 0", n, err)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, nodeURL(t)+"/"+x.Alias()+"/_settings/index.gc_deletes", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var settings map[string]struct {
		Settings struct {
			Index struct {
				GCDeletes string `json:"gc_deletes"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&settings); err != nil || len(settings) != 1 {
		t.Fatalf("settings: %v %v", settings, err)
	}
	for name, s := range settings {
		if s.Settings.Index.GCDeletes != osindex.DeleteTombstoneTTL {
			t.Fatalf("%s: index.gc_deletes = %q, want %q", name, s.Settings.Index.GCDeletes, osindex.DeleteTombstoneTTL)
		}
	}
}

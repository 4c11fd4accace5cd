package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/local"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// seedStore puts the search fixture in the store of a data folder, without
// indexing it, and returns the folder.
func seedStore(t *testing.T) string {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	stack, err := local.Open(context.Background(), local.Options{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stack.Store.PutProducts(context.Background(), indextest.Fixture()); err != nil {
		t.Fatal(err)
	}
	if err := stack.Close(); err != nil {
		t.Fatal(err)
	}
	return data
}

func TestReindexBleve(t *testing.T) {
	data := seedStore(t)
	syn := filepath.Join(t.TempDir(), "synonyms.txt")
	if err := os.WriteFile(syn, []byte("sofa => canape\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "reindex", "--data", data, "--synonyms", syn)
	want := "reindexed " + itoa(len(indextest.Fixture())) + " products into bleve"
	if code != exitOK || !strings.Contains(out, want) || !strings.Contains(stderr, "reindex "+itoa(len(indextest.Fixture()))+" products") {
		t.Fatalf("reindex: exit %d, out %q, stderr %q", code, out, stderr)
	}
	// The rebuilt index answers, with the new synonyms.
	code, out, stderr = run(t, "search", "--data", data, "sofa")
	if code != exitOK || !strings.Contains(out, "p2:CA-1") {
		t.Fatalf("search after reindex: exit %d, %q %q", code, out, stderr)
	}
	if code, _, _ := run(t, "reindex", "--data", data, "--synonyms", filepath.Join(t.TempDir(), "missing.txt")); code != exitUsage {
		t.Errorf("reindex with a missing synonyms file: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := run(t, "reindex", "--data", data, "extra"); code != exitUsage {
		t.Errorf("reindex with an argument: exit %d, want %d", code, exitUsage)
	}
}

func TestReindexOpenSearch(t *testing.T) {
	url := os.Getenv("OPENSEARCH_URL")
	if url == "" {
		t.Skip("OPENSEARCH_URL is not set: `make test-search` runs this against a local OpenSearch node")
	}
	data := seedStore(t)
	alias := "ctl-reindex-test"
	code, out, stderr := run(t, "reindex", "--data", data, "--opensearch", url, "--alias", alias, "--quiet")
	if code != exitOK || !strings.Contains(out, "reindexed "+itoa(len(indextest.Fixture()))+" products into opensearch") {
		t.Fatalf("reindex: exit %d, out %q, stderr %q", code, out, stderr)
	}
	x, err := osindex.New(context.Background(), osindex.Config{URL: url, Alias: alias})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Drop(context.Background()) })
	res, err := x.Search(context.Background(), catalog.Query{Text: "BC1010"})
	if err != nil || len(res.Hits) == 0 || res.Hits[0].Product.ID != "p1:BC1010" {
		t.Fatalf("search after reindex: %v %v", res, err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

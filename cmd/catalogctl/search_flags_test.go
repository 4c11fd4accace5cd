package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
)

// TestSearchCursorAndFacetSize pages the whole fixture with --cursor and
// caps a facet with --facet-size.
func TestSearchCursorAndFacetSize(t *testing.T) {
	data := seedStore(t)
	if code, _, stderr := run(t, "reindex", "--data", data, "--quiet"); code != exitOK {
		t.Fatalf("reindex: %s", stderr)
	}
	seen := map[string]bool{}
	cursor := "*"
	for pages := 0; cursor != ""; pages++ {
		if pages > 10 {
			t.Fatal("the cursor never ends")
		}
		code, out, stderr := run(t, "search", "--data", data, "--json", "--sort", "name", "--limit", "7", "--cursor", cursor)
		if code != exitOK {
			t.Fatalf("search --cursor: exit %d: %s", code, stderr)
		}
		var res catalog.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			seen[h.Product.ID] = true
		}
		cursor = res.NextCursor
	}
	if len(seen) != len(indextest.Fixture()) {
		t.Fatalf("cursor paging saw %d products, want %d", len(seen), len(indextest.Fixture()))
	}
	code, out, _ := run(t, "search", "--data", data, "--facets", "brand", "--facet-size", "2", "--limit", "7", "--cursor", "*")
	if code != exitOK || !strings.Contains(out, "brand: Acme (4), Kafe (3)\n") || !strings.Contains(out, "next page: --cursor ") {
		t.Fatalf("search --facet-size 2: exit %d, %q", code, out)
	}
}

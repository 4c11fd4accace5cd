package api_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
)

// newSearchAPI is the API over a real Bleve index holding the search
// conformance fixture.
func newSearchAPI(t *testing.T) http.Handler {
	t.Helper()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{Synonyms: indextest.Synonyms(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	if err := idx.Upsert(context.Background(), indextest.Fixture()); err != nil {
		t.Fatal(err)
	}
	return api.New(api.Deps{Store: newStore(t), Index: idx})
}

func TestSuggestRoute(t *testing.T) {
	h := newSearchAPI(t)
	cases := []struct {
		name, query string
		status      int
		code        string
		first       string // text of the first suggestion
		count       int    // exact number of suggestions, -1 for any
	}{
		{"brand first", "q=acm", http.StatusOK, "", "Acme", -1},
		{"category", "q=" + url.QueryEscape("cuisi") + "&size=1", http.StatusOK, "", "Maison > Cuisine", 1},
		{"folded name", "q=" + url.QueryEscape("Cafetière élec"), http.StatusOK, "", "Cafetière électrique", 1},
		{"no text", "", http.StatusOK, "", "", 0},
		{"syntax is text", "q=" + url.QueryEscape("name:cha*"), http.StatusOK, "", "", 0},
		{"size too small", "q=cha&size=0", http.StatusBadRequest, "invalid", "", 0},
		{"size too large", "q=cha&size=21", http.StatusBadRequest, "invalid", "", 0},
		// A long q is an invalid parameter (openapi.json: maxLength), not a
		// too large body; leading spaces count, as sent.
		{"text too long", "q=" + strings.Repeat("a", 257), http.StatusBadRequest, "invalid", "", 0},
		{"spaces make it too long", "q=" + strings.Repeat("+", 250) + "cafetiere", http.StatusBadRequest, "invalid", "", 0},
		{"empty size", "q=cha&size=", http.StatusBadRequest, "invalid", "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec, body := get(t, h, "/v1/suggest?"+c.query)
			if rec.Code != c.status || errorCode(body) != c.code {
				t.Fatalf("status %d code %q, want %d %q: %v", rec.Code, errorCode(body), c.status, c.code, body)
			}
			if c.status != http.StatusOK {
				return
			}
			list, ok := body["suggestions"].([]any)
			if !ok {
				t.Fatalf("no suggestions array: %v", body)
			}
			if c.count >= 0 && len(list) != c.count {
				t.Errorf("%d suggestions, want %d: %v", len(list), c.count, list)
			}
			if c.first != "" {
				if len(list) == 0 || list[0].(map[string]any)["text"] != c.first {
					t.Errorf("suggestions %v, want %q first", list, c.first)
				}
			}
		})
	}
}

func TestSearchDidYouMean(t *testing.T) {
	h := newSearchAPI(t)
	rec, body := get(t, h, "/v1/search?q=chauze")
	if rec.Code != http.StatusOK || body["total"] != float64(0) || body["suggestion"] != "chaise" {
		t.Fatalf("search chauze: %d %v", rec.Code, body)
	}
	_, body = get(t, h, "/v1/search?q=chaise")
	if _, ok := body["suggestion"]; ok {
		t.Fatalf("a query with hits has a suggestion: %v", body["suggestion"])
	}
}

func TestSearchCursorAndFacetSize(t *testing.T) {
	h := newSearchAPI(t)
	seen := map[string]bool{}
	cursor := "*"
	for page := 0; cursor != ""; page++ {
		if page > 20 {
			t.Fatal("the cursor never ends")
		}
		rec, body := get(t, h, "/v1/search?sort=name&size=7&cursor="+url.QueryEscape(cursor))
		if rec.Code != http.StatusOK {
			t.Fatalf("cursor page: %d %v", rec.Code, body)
		}
		for _, hit := range body["hits"].([]any) {
			id := hit.(map[string]any)["product"].(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("cursor repeats %s", id)
			}
			seen[id] = true
		}
		cursor, _ = body["next_cursor"].(string)
	}
	if len(seen) != len(indextest.Fixture()) {
		t.Fatalf("cursor paging saw %d products, want %d", len(seen), len(indextest.Fixture()))
	}
	for _, bad := range []string{"cursor=garbage", "cursor=*&page=2", "facet_size=0", "facet_size=101"} {
		if rec, body := get(t, h, "/v1/search?"+bad); rec.Code != http.StatusBadRequest || errorCode(body) != "invalid" {
			t.Errorf("%s: %d %v", bad, rec.Code, body)
		}
	}
	_, body := get(t, h, "/v1/search?facets=brand&facet_size=2")
	if got := body["facets"].(map[string]any)["brand"].([]any); len(got) != 2 {
		t.Errorf("facet_size=2 gave %v", got)
	}
}

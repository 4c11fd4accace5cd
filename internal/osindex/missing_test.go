package osindex_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// A stage whose index does not exist yet (before its first deploy step
// creates it) answers searches, suggestions and counts with nothing, not
// with an internal error; any other 404 stays an error. The server answers
// as OpenSearch does for a missing index or alias.
func TestMissingIndexReadsAsNoProducts(t *testing.T) {
	const missing = `{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [products]"}],"type":"index_not_found_exception","reason":"no such index [products]","index":"products"},"status":404}`
	const other = `{"error":"no handler found for uri"}`
	tests := []struct {
		name     string
		body     string
		wantCode catalog.Code // "" : no error
	}{
		{"index not found", missing, ""},
		{"another 404", other, catalog.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var setup atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				if !strings.HasSuffix(r.URL.Path, "/_search") && !strings.HasSuffix(r.URL.Path, "/_count") {
					setup.Add(1)
				}
				w.WriteHeader(http.StatusNotFound)
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			ctx := context.Background()
			x, err := osindex.New(ctx, osindex.Config{URL: srv.URL, Alias: "products", NoSetup: true})
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			check := func(what string, err error) {
				t.Helper()
				if got := catalog.CodeOf(err); err != nil && got != tt.wantCode || err == nil && tt.wantCode != "" {
					t.Errorf("%s: error %v, want code %q", what, err, tt.wantCode)
				}
			}
			res, err := x.Search(ctx, catalog.Query{Text: "chaise", Page: 1, Size: 10, Facets: []string{"brand"}, FacetSize: 5})
			check("search", err)
			if err == nil && (res.Total != 0 || len(res.Hits) != 0 || res.Hits == nil) {
				t.Errorf("search on no index: %+v", res)
			}
			res, err = x.Search(ctx, catalog.Query{Page: 1, Size: 10})
			check("browse", err)
			if err == nil && res.Total != 0 {
				t.Errorf("browse on no index: %+v", res)
			}
			sugg, err := x.Suggest(ctx, "cha", 5)
			check("suggest", err)
			if err == nil && len(sugg) != 0 {
				t.Errorf("suggest on no index: %v", sugg)
			}
			n, err := x.Count(ctx)
			check("count", err)
			if err == nil && n != 0 {
				t.Errorf("count on no index: %d", n)
			}
		})
	}
}

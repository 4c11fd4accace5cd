package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// queryIndex records the queries it is asked.
type queryIndex struct {
	catalog.Index
	got []catalog.Query
}

func (x *queryIndex) Search(_ context.Context, q catalog.Query) (catalog.Result, error) {
	x.got = append(x.got, q)
	return catalog.Result{}, nil
}

// TestQueryThatCannotBeParsedIsRefused: a query string with more
// parameters than the URL parser takes (it then drops them all) is a 400,
// never a search without its filters; repeated filters are capped.
func TestQueryThatCannotBeParsedIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		brands int
		status int
	}{
		{"a few brands", 3, http.StatusOK},
		{"brands up to the cap", api.MaxFilterValues, http.StatusOK},
		{"brands over the cap", api.MaxFilterValues + 1, http.StatusBadRequest},
		{"9,990 brands", 9990, http.StatusBadRequest},
		{"10,010 brands: more parameters than the parser takes", 10010, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := &queryIndex{}
			h := api.New(api.Deps{Store: newStore(t), Index: idx})
			target := "/v1/search?q=stylo" + strings.Repeat("&brand=b", tc.brands)
			rec, body := get(t, h, target)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %v", rec.Code, tc.status, body)
			}
			if tc.status != http.StatusOK {
				if len(idx.got) != 0 {
					t.Fatalf("a refused query was searched: %+v", idx.got[0].Filters)
				}
				return
			}
			if len(idx.got) != 1 || len(idx.got[0].Filters.Brands) != tc.brands || idx.got[0].Text != "stylo" {
				t.Fatalf("searched %+v", idx.got)
			}
		})
	}
	// The same for the other routes that read a query string.
	h := api.New(api.Deps{Store: newStore(t), Index: &queryIndex{}})
	if rec, body := get(t, h, "/v1/suggest?q=st"+strings.Repeat("&x=1", 10010)); rec.Code != http.StatusBadRequest {
		t.Fatalf("suggest with 10,010 parameters: %d %v", rec.Code, body)
	}
}

// TestOpenAPIDocumentIsNotSniffed: the document is JSON, said so firmly.
func TestOpenAPIDocumentIsNotSniffed(t *testing.T) {
	rec, _ := get(t, api.New(api.Deps{Store: newStore(t)}), "/v1/openapi.json")
	if rec.Code != http.StatusOK || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("GET /v1/openapi.json: %d, headers %v", rec.Code, rec.Header())
	}
}

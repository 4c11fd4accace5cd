package api_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestOpenAPINamesFollowTheDomain: the upload modes and facet names that
// openapi.json documents are the domain's (catalog.Modes, catalog.FacetNames),
// so a mode or facet added to the code and not to the document fails here.
func TestOpenAPINamesFollowTheDomain(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	var modes []string
	for _, m := range catalog.Modes() {
		modes = append(modes, string(m))
	}
	enums, facetParams := 0, 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				if mode, ok := props["mode"].(map[string]any); ok {
					enums++
					var got []string
					for _, e := range mode["enum"].([]any) {
						got = append(got, e.(string))
					}
					if !slices.Equal(got, modes) {
						t.Errorf("openapi.json mode enum %v, want catalog.Modes() %v", got, modes)
					}
				}
			}
			if v["name"] == "facets" && v["in"] == "query" {
				facetParams++
				desc, _ := v["description"].(string)
				want := strings.Join(catalog.FacetNames(), ", ") + ", " + catalog.FacetAttrPrefix + "<name>"
				if !strings.Contains(desc, want) {
					t.Errorf("openapi.json facets description %q does not list %q", desc, want)
				}
				if def := v["schema"].(map[string]any)["default"]; def != api.DefaultFacets {
					t.Errorf("openapi.json facets default %v, want api.DefaultFacets %q", def, api.DefaultFacets)
				}
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if enums < 2 || facetParams < 1 {
		t.Fatalf("found %d mode enums and %d facets parameters in openapi.json, want the catalog's and the upload request's, and search's", enums, facetParams)
	}
}

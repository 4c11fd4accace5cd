package api_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestSearchByAvailabilityAndLeadTime: availability= and lead_time= filter
// a search, and the availability and lead_time facets count them.
func TestSearchByAvailabilityAndLeadTime(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	ps := []catalog.Product{
		{Partner: "a", Key: "1", Name: "Ramette A4", Availability: catalog.InStock, LeadTimeDays: 2},
		{Partner: "a", Key: "2", Name: "Ramette A3", Availability: catalog.Backorder, LeadTimeDays: 10},
		{Partner: "a", Key: "3", Name: "Ramette A5", Availability: catalog.OutOfStock},
		{Partner: "a", Key: "4", Name: "Ramette A6"},
	}
	for i := range ps {
		ps[i].ID = catalog.ProductID(ps[i].Partner, ps[i].Key)
		ps[i].Version = 1
	}
	if err := idx.Upsert(ctx, ps); err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Store: newStore(t), Index: idx})
	for _, tc := range []struct {
		target string
		want   []string
		facets map[string]string
	}{
		{"/v1/search?q=ramette&facets=availability,lead_time", []string{"a:1", "a:2", "a:3", "a:4"},
			map[string]string{"availability": "backorder:1 in_stock:1 out_of_stock:1", "lead_time": "14:2 30:2 3:1 7:1"}},
		{"/v1/search?q=ramette&availability=in_stock&availability=backorder&facets=availability", []string{"a:1", "a:2"},
			map[string]string{"availability": "backorder:1 in_stock:1 out_of_stock:1"}},
		{"/v1/search?q=ramette&lead_time=7&facets=availability,lead_time", []string{"a:1"},
			map[string]string{"availability": "in_stock:1", "lead_time": "14:2 30:2 3:1 7:1"}},
	} {
		rec, body := get(t, h, tc.target)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %v", tc.target, rec.Code, body)
		}
		var ids []string
		for _, hit := range body["hits"].([]any) {
			ids = append(ids, hit.(map[string]any)["product"].(map[string]any)["id"].(string))
		}
		if !equal(sortedCopy(ids), tc.want) {
			t.Errorf("%s: hits %v, want %v", tc.target, ids, tc.want)
		}
		facets, _ := body["facets"].(map[string]any)
		for name, want := range tc.facets {
			if got := facetString(facets[name]); got != want {
				t.Errorf("%s: facet %s = %q, want %q", tc.target, name, got, want)
			}
		}
	}
}

func sortedCopy(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// facetString writes a facet's values as "value:count" words, sorted.
func facetString(v any) string {
	vals, _ := v.([]any)
	var words []string
	for _, x := range vals {
		m := x.(map[string]any)
		words = append(words, fmt.Sprintf("%v:%v", m["value"], m["count"]))
	}
	sort.Strings(words)
	return strings.Join(words, " ")
}

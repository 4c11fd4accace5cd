package api_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func TestOffersRoute(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	store := newStore(t)
	money := func(s string) *catalog.Money { return &catalog.Money{Amount: catalog.MustDecimal(s), Currency: "EUR"} }
	ps := []catalog.Product{
		{Partner: "a", Key: "1", Name: "Agrafeuse 24/6", GTIN: "4006381333931", Price: money("12.00"), MOQ: 10},
		{Partner: "b", Key: "x", Name: "Agrafeuse de bureau", GTIN: "04006381333931", Price: money("9.50"), Unit: "piece"},
		{Partner: "c", Key: "7", Name: "Agrafeuse (prix sur demande)", GTIN: "4006381333931"},
		{Partner: "c", Key: "8", Name: "Autre agrafeuse", Brand: "Acme", SupplierRef: "AG-1", Price: money("5.00")},
		{Partner: "d", Key: "9", Name: "Sans identifiant", Price: money("1.00")},
	}
	for i := range ps {
		ps[i].ID = catalog.ProductID(ps[i].Partner, ps[i].Key)
		ps[i].OfferKey = analysis.OfferKey(&ps[i])
		ps[i].Version = 1
	}
	if _, err := store.PutProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, ps); err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Store: store, Index: idx})
	ids := func(body map[string]any) []string {
		var out []string
		for _, o := range body["offers"].([]any) {
			out = append(out, o.(map[string]any)["product_id"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"a:1", []string{"b:x", "a:1", "c:7"}}, // cheapest first, no price last
		{"c:7", []string{"b:x", "a:1", "c:7"}},
		{"c:8", []string{"c:8"}}, // its brand and part number match nothing else
		{"d:9", []string{"d:9"}}, // no key: only its own offer
	} {
		rec, body := get(t, h, "/v1/products/"+tc.id+"/offers")
		if rec.Code != http.StatusOK || body["product_id"] != tc.id || !equal(ids(body), tc.want) {
			t.Errorf("%s: %d %v, want %v", tc.id, rec.Code, body, tc.want)
		}
	}
	_, body := get(t, h, "/v1/products/a:1/offers")
	first := body["offers"].([]any)[0].(map[string]any)
	if body["offer_key"] != "gtin:04006381333931" || first["partner"] != "b" || first["price"].(map[string]any)["amount"] != "9.50" || first["unit"] != "piece" {
		t.Fatalf("offers = %v", body)
	}
	if rec, body := get(t, h, "/v1/products/z:nope/offers"); rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("unknown product: %d %v", rec.Code, body)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

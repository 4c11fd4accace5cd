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

// offersAPI is the API over a Bleve index and a store holding one stapler
// offered by three partners (a:1, b:x, c:7), another by one (c:8) and a
// product without an offer key (d:9).
func offersAPI(t *testing.T) http.Handler {
	t.Helper()
	ctx := context.Background()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	store := newStore(t)
	money := func(s string) *catalog.Money { return &catalog.Money{Amount: catalog.MustDecimal(s), Currency: "EUR"} }
	ps := []catalog.Product{
		{Partner: "a", Key: "1", Name: "Agrafeuse 24/6", GTIN: "4006381333931", Price: money("12.00"), MOQ: 10, Availability: catalog.OutOfStock},
		{Partner: "b", Key: "x", Name: "Agrafeuse de bureau", GTIN: "04006381333931", Price: money("9.50"), Unit: "piece", Availability: catalog.InStock},
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
	return api.New(api.Deps{Store: store, Index: idx})
}

func TestOffersRoute(t *testing.T) {
	h := offersAPI(t)
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
	// Each partner's availability where its file says it; unknown is absent.
	for i, want := range []any{"in_stock", "out_of_stock", nil} {
		if got := body["offers"].([]any)[i].(map[string]any)["availability"]; got != want {
			t.Errorf("offer %d: availability %v, want %v", i, got, want)
		}
	}
	if rec, body := get(t, h, "/v1/products/z:nope/offers"); rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("unknown product: %d %v", rec.Code, body)
	}
}

// TestSearchGroupedByOffers: group=offers makes one hit of the three
// offers of the stapler, led by the cheapest under sort=price_asc, with the
// count of its offers and their lowest price; total counts groups; a
// wrong group or a group with a cursor is a 400.
func TestSearchGroupedByOffers(t *testing.T) {
	h := offersAPI(t)
	rec, body := get(t, h, "/v1/search?q=agrafeuse&group=offers&sort=price_asc&facets=partner")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %v", rec.Code, body)
	}
	type hit struct {
		id     string
		offers float64
		min    string
	}
	var got []hit
	for _, x := range body["hits"].([]any) {
		m := x.(map[string]any)
		g, _ := m["group"].(map[string]any)
		mp, _ := g["min_price"].(map[string]any)
		amount, _ := mp["amount"].(string)
		offers, _ := g["offers"].(float64)
		got = append(got, hit{m["product"].(map[string]any)["id"].(string), offers, amount})
	}
	want := []hit{{"c:8", 1, "5.00"}, {"b:x", 3, "9.50"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || body["total"] != float64(2) {
		t.Fatalf("grouped hits %v (total %v), want %v (total 2)", got, body["total"], want)
	}
	if p := body["facets"].(map[string]any)["partner"].([]any); len(p) != 3 {
		t.Errorf("partner facet %v: want the products of a, b and c counted", p)
	}
	if _, body := get(t, h, "/v1/search?q=agrafeuse&sort=price_asc"); body["total"] != float64(4) {
		t.Errorf("without group: total %v, want 4 products", body["total"])
	}
	for _, target := range []string{"/v1/search?group=partner", "/v1/search?group=", "/v1/search?group=offers&cursor=*"} {
		if rec, body := get(t, h, target); rec.Code != http.StatusBadRequest || errorCode(body) != "invalid" {
			t.Errorf("%s: %d %v, want 400 invalid", target, rec.Code, body)
		}
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

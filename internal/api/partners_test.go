package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// TestPartnerDisplayName: a partner sets its display name with PUT
// /v1/partner/settings (checked, its other settings kept); products of
// search, product and offers answers carry it as partner_name, and the
// partner facet's value as label; another partner's products stay
// without one (the site shows their id).
func TestPartnerDisplayName(t *testing.T) {
	ctx := context.Background()
	blobs, err := diskblobs.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	store := newStore(t)
	ps := []catalog.Product{
		{Partner: "acme", Key: "1", Name: "Agrafeuse", GTIN: "4006381333931", OfferKey: "gtin:04006381333931"},
		{Partner: "globex", Key: "2", Name: "Agrafeuse bis", GTIN: "4006381333931", OfferKey: "gtin:04006381333931"},
	}
	for i := range ps {
		ps[i].ID = catalog.ProductID(ps[i].Partner, ps[i].Key)
		ps[i].Version = 1
	}
	if _, err := store.PutProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(ctx, ps); err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, "partners/acme/settings.json", strings.NewReader(`{"currency": "USD", "removal_guard": 0.5}`)); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	h := api.New(api.Deps{Store: store, Index: idx, Blobs: blobs, Clock: func() time.Time { return now }})
	key := issueKey(t, blobs, "acme")
	put := func(body string) (int, map[string]any) {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("PUT", "/v1/partner/settings", strings.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		h.ServeHTTP(rec, req)
		_, out := decode(t, rec)
		return rec.Code, out
	}
	// Nothing set yet: no name anywhere (and the first search caches that).
	if _, body := get(t, h, "/v1/products/acme:1"); body["partner_name"] != nil {
		t.Fatalf("before any name: %v", body)
	}
	for _, bad := range []string{`{"display_name": "` + strings.Repeat("x", 81) + `"}`, `{"display_name": "a\u0007b"}`, `{"display_name": "\tAcme"}`, `{"display_name": "Acme\u0085"}`, `{"name": "x"}`, `{}`, `nope`} {
		if code, body := put(bad); code != http.StatusBadRequest || errorCode(body) != "invalid" {
			t.Errorf("PUT %s = %d %v, want 400 invalid", bad, code, body)
		}
	}
	if code, body := put(`{"display_name": "  Acme Fournitures  "}`); code != http.StatusOK || body["display_name"] != "Acme Fournitures" || body["partner"] != "acme" {
		t.Fatalf("PUT = %d %v", code, body)
	}
	rc, _, err := blobs.Open(ctx, "partners/acme/settings.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(rc)
	_ = rc.Close()
	for _, kept := range []string{`"currency": "USD"`, `"removal_guard": 0.5`, `"display_name": "Acme Fournitures"`} {
		if !strings.Contains(string(doc), kept) {
			t.Errorf("settings.json lacks %s:\n%s", kept, doc)
		}
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "/v1/partner/settings", nil)
	req.Header.Set("X-Api-Key", key)
	h.ServeHTTP(rec, req)
	if _, body := decode(t, rec); body["display_name"] != "Acme Fournitures" {
		t.Fatalf("GET settings = %v", body)
	}

	checkNamesShown(t, h)
	// "" removes the name.
	if code, body := put(`{"display_name": ""}`); code != http.StatusOK || body["display_name"] != "" {
		t.Fatalf("PUT empty = %d %v", code, body)
	}
	if _, body := get(t, h, "/v1/products/acme:1"); body["partner_name"] != nil {
		t.Errorf("after removal: partner_name = %v", body["partner_name"])
	}
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) (int, map[string]any) {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return rec.Code, body
}

// checkNamesShown: acme's products (product, search hits, offers) carry
// its display name and the partner facet labels it; globex has none.
func checkNamesShown(t *testing.T, h http.Handler) {
	t.Helper()
	if _, body := get(t, h, "/v1/products/acme:1"); body["partner_name"] != "Acme Fournitures" {
		t.Errorf("product: partner_name = %v", body["partner_name"])
	}
	_, body := get(t, h, "/v1/search?q=agrafeuse&facets=partner")
	names := map[string]any{}
	for _, hit := range body["hits"].([]any) {
		p := hit.(map[string]any)["product"].(map[string]any)
		names[p["partner"].(string)] = p["partner_name"]
	}
	if names["acme"] != "Acme Fournitures" || names["globex"] != nil {
		t.Errorf("search hits' partner_name = %v", names)
	}
	labels := map[string]any{}
	for _, v := range body["facets"].(map[string]any)["partner"].([]any) {
		labels[v.(map[string]any)["value"].(string)] = v.(map[string]any)["label"]
	}
	if labels["acme"] != "Acme Fournitures" || labels["globex"] != nil {
		t.Errorf("partner facet labels = %v", labels)
	}
	_, body = get(t, h, "/v1/products/globex:2/offers")
	for _, o := range body["offers"].([]any) {
		o := o.(map[string]any)
		if want := map[string]any{"acme": "Acme Fournitures", "globex": nil}[o["partner"].(string)]; o["partner_name"] != want {
			t.Errorf("offer of %v: partner_name = %v, want %v", o["partner"], o["partner_name"], want)
		}
	}
}

// TestPartnerZeroPriceSetting: a partner says what a price of 0 means in
// its files with PUT /v1/partner/settings {"zero_price"} (checked, its
// other settings kept), in the document ingest reads.
func TestPartnerZeroPriceSetting(t *testing.T) {
	ctx := context.Background()
	blobs, err := diskblobs.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blobs.Put(ctx, "partners/acme/settings.json", strings.NewReader(`{"currency": "USD", "display_name": "Acme"}`)); err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Store: newStore(t), Blobs: blobs, Clock: time.Now})
	key := issueKey(t, blobs, "acme")
	call := func(method, body string) (int, map[string]any) {
		t.Helper()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "/v1/partner/settings", strings.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		h.ServeHTTP(rec, req)
		_, out := decode(t, rec)
		return rec.Code, out
	}
	stored := func() ingest.Settings {
		t.Helper()
		rc, _, err := blobs.Open(ctx, "partners/acme/settings.json")
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		var s ingest.Settings
		if err := json.NewDecoder(rc).Decode(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if code, body := call("GET", ""); code != http.StatusOK || body["zero_price"] != catalog.ZeroPriceOnRequest {
		t.Fatalf("GET before = %d %v, want the default on_request", code, body)
	}
	for _, bad := range []string{`{"zero_price": "gratis"}`, `{"zero_price": 0}`} {
		if code, body := call("PUT", bad); code != http.StatusBadRequest || errorCode(body) != "invalid" {
			t.Errorf("PUT %s = %d %v, want 400 invalid", bad, code, body)
		}
	}
	if code, body := call("PUT", `{"zero_price": "free"}`); code != http.StatusOK || body["zero_price"] != "free" || body["display_name"] != "Acme" {
		t.Fatalf("PUT free = %d %v", code, body)
	}
	if s := stored(); s.ZeroPrice != ingest.ZeroFree || s.Currency != "USD" {
		t.Fatalf("stored settings %+v, want zero_price free and the currency kept", s)
	}
	if code, body := call("GET", ""); code != http.StatusOK || body["zero_price"] != "free" {
		t.Fatalf("GET after = %d %v", code, body)
	}
	if code, body := call("PUT", `{"zero_price": ""}`); code != http.StatusOK || body["zero_price"] != catalog.ZeroPriceOnRequest {
		t.Fatalf("PUT empty = %d %v", code, body)
	}
	if s := stored(); s.ZeroPrice != "" || s.Currency != "USD" {
		t.Fatalf("stored settings %+v, want zero_price removed", s)
	}
}

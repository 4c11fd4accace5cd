package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

func newStore(t *testing.T) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "c.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func get(t *testing.T, h http.Handler, target string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	var body map[string]any
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: content type %q, want JSON", target, ct)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET %s: body is not JSON: %v: %s", target, err, rec.Body)
	}
	return rec, body
}

// issueKey issues an API key for partner in blobs.
func issueKey(t *testing.T, blobs catalog.Blobs, partner string) string {
	t.Helper()
	key, err := partnerkeys.New(blobs).Issue(context.Background(), partner)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// withKey sends every request with a partner's API key.
type withKey struct {
	h   http.Handler
	key string
}

func (k withKey) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r.Header.Set("X-Api-Key", k.key)
	k.h.ServeHTTP(w, r)
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// TestOpenAPIMatchesRouteTable checks the route table against the OpenAPI
// document both ways: every route is documented and every documented
// operation is served.
func TestOpenAPIMatchesRouteTable(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi version %q, want 3.x", doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			documented = append(documented, strings.ToUpper(method)+" "+path)
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s documents no responses", method, path)
			}
		}
	}
	for _, r := range api.New(api.Deps{}).Routes() {
		served = append(served, r.Method+" "+r.Path)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Fatalf("route table and openapi.json differ:\nserved:\n  %s\ndocumented:\n  %s",
			strings.Join(served, "\n  "), strings.Join(documented, "\n  "))
	}
}

func TestProductAndCatalogRoutes(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	p := catalogtest.SampleProduct("acme", "SKU/1 été")
	if _, err := store.PutProducts(ctx, []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	c := catalog.Catalog{ID: "cat-1", Partner: "acme", Key: "incoming/acme/a.csv", Status: catalog.StatusDone,
		ReceivedAt: time.Now().UTC(), Report: &catalog.Report{Status: catalog.StatusDone, Rows: 1, Accepted: 1, Errors: []catalog.RowError{}}}
	if err := store.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	blobs, err := diskblobs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := withKey{api.New(api.Deps{Store: store, Blobs: blobs}), issueKey(t, blobs, "acme")}

	rec, body := get(t, h, "/v1/products/"+url.PathEscape(p.ID))
	if rec.Code != http.StatusOK || body["name"] != p.Name || body["id"] != p.ID {
		t.Fatalf("GET product: %d %v", rec.Code, body)
	}
	price, _ := body["price"].(map[string]any)
	if price["amount"] != "1234.50" || price["currency"] != "EUR" {
		t.Fatalf("price = %v, want the exact decimal as a string", price)
	}

	rec, body = get(t, h, "/v1/products/acme:missing")
	if rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("missing product: %d %v", rec.Code, body)
	}

	rec, body = get(t, h, "/v1/catalogs?partner=acme")
	if list, _ := body["catalogs"].([]any); rec.Code != http.StatusOK || len(list) != 1 {
		t.Fatalf("list catalogs: %d %v", rec.Code, body)
	}
	other := withKey{h.h, issueKey(t, blobs, "other")}
	rec, body = get(t, other, "/v1/catalogs?partner=other")
	if list, ok := body["catalogs"].([]any); rec.Code != http.StatusOK || !ok || len(list) != 0 {
		t.Fatalf("empty list must be [], got %d %v", rec.Code, body)
	}
	rec, body = get(t, h, "/v1/catalogs/cat-1")
	if rec.Code != http.StatusOK || body["status"] != "done" || body["report"] == nil {
		t.Fatalf("get catalog: %d %v", rec.Code, body)
	}
	rec, body = get(t, h, "/v1/catalogs?partner=../x")
	if rec.Code != http.StatusBadRequest || errorCode(body) != "invalid" {
		t.Fatalf("bad partner: %d %v", rec.Code, body)
	}
}

func TestUnknownRouteIsJSON404(t *testing.T) {
	rec, body := get(t, api.New(api.Deps{}), "/v2/nothing")
	if rec.Code != http.StatusNotFound || errorCode(body) != "not_found" {
		t.Fatalf("%d %v", rec.Code, body)
	}
}

func TestSearchRejectsOutOfRangeParameters(t *testing.T) {
	h := api.New(api.Deps{}) // validation happens before any engine is asked
	for _, target := range []string{
		"/v1/search?size=0", "/v1/search?size=101", "/v1/search?size=x", "/v1/search?page=0",
		"/v1/search?page=600&size=20", "/v1/search?sort=random", "/v1/search?price_min=abc",
		"/v1/search?price_min=20&price_max=10", "/v1/search?facets=secret", "/v1/search?q=" + strings.Repeat("a", 300),
	} {
		rec, body := get(t, h, target)
		if rec.Code < 400 || rec.Code > 499 || errorCode(body) == "" {
			t.Errorf("GET %s: %d %v, want a 4xx with a code", target, rec.Code, body)
		}
	}
}

// failingStore is a real store whose reads fail with a raw backend error,
// to prove such text never reaches the client (failure injection; no
// backend can be made to fail on demand here).
type failingStore struct{ *boltstore.Store }

func (failingStore) GetProduct(context.Context, string) (catalog.Product, error) {
	return catalog.Product{}, errors.New("dial tcp 10.0.0.7:443: secret backend detail")
}

func TestInternalErrorsHideBackendText(t *testing.T) {
	h := api.New(api.Deps{Store: failingStore{newStore(t)}})
	rec, body := get(t, h, "/v1/products/acme:x")
	if rec.Code != http.StatusInternalServerError || errorCode(body) != "internal" {
		t.Fatalf("%d %v", rec.Code, body)
	}
	if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "10.0.0.7") {
		t.Fatalf("backend text leaked: %s", rec.Body)
	}
}

func TestParseQuery(t *testing.T) {
	v := url.Values{"q": {"  chaise  "}, "brand": {"A", "", "B"}, "category": {"Maison > Jardin"},
		"price_min": {"10"}, "price_max": {"99.90"}, "currency": {"eur"}, "attr.Couleur": {"Vert"}, "facets": {"brand,price"}}
	q, err := api.ParseQuery(v)
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "chaise " || len(q.Filters.Brands) != 2 || q.Filters.Currency != "EUR" ||
		q.Filters.PriceMax.String() != "99.90" || q.Filters.Attributes["Couleur"][0] != "Vert" ||
		strings.Join(q.Facets, ",") != "brand,price" || q.Page != 1 || q.Size != catalog.DefaultSize || q.Sort != catalog.SortRelevance {
		t.Fatalf("ParseQuery = %+v", q)
	}
}

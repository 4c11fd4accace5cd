package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
)

// The contract tests: the API answers what internal/api/openapi.json says,
// class by class (the property-based fuzzer of make test-api-fuzz sends
// generated requests to the local stack; these pin each class down here).

// openAPIDoc is internal/api/openapi.json, decoded.
type openAPIDoc struct {
	raw   map[string]any
	paths map[string]map[string]any
}

func loadOpenAPI(t *testing.T) openAPIDoc {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var d openAPIDoc
	if err := json.Unmarshal(b, &d.raw); err != nil {
		t.Fatal(err)
	}
	d.paths = map[string]map[string]any{}
	for p, ops := range d.raw["paths"].(map[string]any) {
		d.paths[p] = ops.(map[string]any)
	}
	return d
}

// resolve follows a local $ref.
func (d openAPIDoc) resolve(v map[string]any) map[string]any {
	for {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v
		}
		var cur any = d.raw
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		v = cur.(map[string]any)
	}
}

// response returns the documented response of an operation for a status,
// or nil.
func (d openAPIDoc) response(method, path string, status int) map[string]any {
	op, _ := d.paths[path][strings.ToLower(method)].(map[string]any)
	rs, _ := op["responses"].(map[string]any)
	r, _ := rs[fmt.Sprint(status)].(map[string]any)
	if r == nil {
		return nil
	}
	return d.resolve(r)
}

// validate checks v against a JSON schema of the subset openapi.json uses;
// it returns what does not match, "" when all does.
func (d openAPIDoc) validate(schema map[string]any, v any, at string) string {
	schema = d.resolve(schema)
	if enum, ok := schema["enum"].([]any); ok && !slices.Contains(enum, v) {
		return fmt.Sprintf("%s: %v is not one of %v", at, v, enum)
	}
	switch schema["type"] {
	case "object":
		return d.validateObject(schema, v, at)
	case "array":
		return d.validateArray(schema, v, at)
	case "string":
		return validateString(schema, v, at)
	case "integer", "number":
		return validateNumber(schema, v, at)
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Sprintf("%s: %v is not a boolean", at, v)
		}
	}
	return ""
}

// validateObject checks an object's required, documented and additional
// properties.
func (d openAPIDoc) validateObject(schema map[string]any, v any, at string) string {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Sprintf("%s: %v is not an object", at, v)
	}
	req, _ := schema["required"].([]any)
	for _, r := range req {
		if _, ok := m[r.(string)]; !ok {
			return fmt.Sprintf("%s: %s is missing", at, r)
		}
	}
	props, _ := schema["properties"].(map[string]any)
	for k, val := range m {
		if ps, ok := props[k].(map[string]any); ok {
			if bad := d.validate(ps, val, at+"."+k); bad != "" {
				return bad
			}
			continue
		}
		switch ap := schema["additionalProperties"].(type) {
		case bool:
			if !ap {
				return fmt.Sprintf("%s: %s is not a documented property", at, k)
			}
		case map[string]any:
			if bad := d.validate(ap, val, at+"."+k); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// validateArray checks an array and each of its items.
func (d openAPIDoc) validateArray(schema map[string]any, v any, at string) string {
	list, ok := v.([]any)
	if !ok {
		return fmt.Sprintf("%s: %v is not an array", at, v)
	}
	if items, ok := schema["items"].(map[string]any); ok {
		for i, it := range list {
			if bad := d.validate(items, it, fmt.Sprintf("%s[%d]", at, i)); bad != "" {
				return bad
			}
		}
	}
	return ""
}

// validateString checks a string and its pattern.
func validateString(schema map[string]any, v any, at string) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("%s: %v is not a string", at, v)
	}
	if p, ok := schema["pattern"].(string); ok && !regexp.MustCompile(p).MatchString(s) {
		return fmt.Sprintf("%s: %q does not match %s", at, s, p)
	}
	return ""
}

// validateNumber checks an integer or a number and its bounds.
func validateNumber(schema map[string]any, v any, at string) string {
	n, ok := v.(float64)
	if !ok || (schema["type"] == "integer" && n != math.Trunc(n)) {
		return fmt.Sprintf("%s: %v is not an %s", at, v, schema["type"])
	}
	if lo, ok := schema["minimum"].(float64); ok && n < lo {
		return fmt.Sprintf("%s: %v < %v", at, n, lo)
	}
	if hi, ok := schema["maximum"].(float64); ok && n > hi {
		return fmt.Sprintf("%s: %v > %v", at, n, hi)
	}
	return ""
}

// contractAPI is the whole API over real local components: a bleve index
// with the fixture products, acme's key, a done catalog with rejected rows
// and products to fix, a held one.
type contractAPI struct {
	*authAPI
	product string // a product id
}

func newContractAPI(t *testing.T) *contractAPI {
	t.Helper()
	a := newAuthAPI(t)
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{Synonyms: indextest.Synonyms(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	ps := indextest.Fixture()
	if err := idx.Upsert(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.PutProducts(context.Background(), ps[:1]); err != nil {
		t.Fatal(err)
	}
	a.h = api.New(api.Deps{Store: a.store, Blobs: a.blobs, Index: idx, Ingest: a.svc, Clock: func() time.Time { return *a.now }})
	return &contractAPI{authAPI: a, product: ps[0].ID}
}

// exchange is one request of a contract table.
type exchange struct {
	name, method, target, body string
	key                        bool // with acme's key
	status                     int  // the status it must get
}

// pattern returns the route pattern (as in openapi.json) a request path is
// served by.
func pattern(t *testing.T, method, target string) string {
	t.Helper()
	path, _, _ := strings.Cut(target, "?")
	for _, rt := range api.New(api.Deps{}).Routes() {
		re := "^" + regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(rt.Path), `[^/]+`) + "$"
		if rt.Method == method && regexp.MustCompile(re).MatchString(path) {
			return rt.Path
		}
	}
	t.Fatalf("%s %s: no route", method, target)
	return ""
}

// check sends x and checks its status, that the status is documented for
// the operation, and that a JSON answer matches the documented schema.
func (a *contractAPI) check(t *testing.T, doc openAPIDoc, x exchange) *httptest.ResponseRecorder {
	t.Helper()
	key := ""
	if x.key {
		key = a.key
	}
	rec, _ := a.doKey(t, key, x.method, x.target, x.body)
	if rec.Code != x.status {
		t.Fatalf("%s %s: %d %s, want %d", x.method, x.target, rec.Code, rec.Body, x.status)
	}
	path := pattern(t, x.method, x.target)
	r := doc.response(x.method, path, rec.Code)
	if r == nil {
		t.Fatalf("%s %s answers %d, which openapi.json does not document for %s %s", x.method, x.target, rec.Code, x.method, path)
	}
	ct, _, _ := strings.Cut(rec.Header().Get("Content-Type"), ";")
	content, _ := r["content"].(map[string]any)
	media, ok := content[ct].(map[string]any)
	if !ok {
		t.Fatalf("%s %s: %d with content type %q, documented %v", x.method, x.target, rec.Code, ct, content)
	}
	if ct == "application/json" {
		var v any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s %s: %v", x.method, x.target, err)
		}
		if bad := doc.validate(media["schema"].(map[string]any), v, "body"); bad != "" {
			t.Fatalf("%s %s: %d answer outside its schema: %s\n%s", x.method, x.target, rec.Code, bad, rec.Body)
		}
	}
	return rec
}

// TestEveryOperationListsItsStatuses: no operation documents a catch-all
// "default" answer: each status the API gives is named.
func TestEveryOperationListsItsStatuses(t *testing.T) {
	doc := loadOpenAPI(t)
	for p, ops := range doc.paths {
		for m, op := range ops {
			rs := op.(map[string]any)["responses"].(map[string]any)
			if _, ok := rs["default"]; ok {
				t.Errorf("%s %s documents a default answer instead of its statuses", strings.ToUpper(m), p)
			}
		}
	}
}

// TestAnswersAreDocumented: the answers of every operation, good and bad,
// have a status openapi.json names for it, its content type, and a body
// that matches its schema.
func TestAnswersAreDocumented(t *testing.T) {
	a := newContractAPI(t)
	doc := loadOpenAPI(t)
	pid := url.PathEscape(a.product)
	done, held := a.done.ID, a.held.ID
	for _, x := range []exchange{
		{"health", "GET", "/v1/health", "", false, 200},
		{"document", "GET", "/v1/openapi.json", "", false, 200},
		{"search", "GET", "/v1/search?q=chaise&facets=brand,price,grade,attr.Couleur&sort=price_asc&size=5", "", false, 200},
		{"search with a cursor", "GET", "/v1/search?cursor=*&size=2", "", false, 200},
		{"search by availability and lead time", "GET", "/v1/search?availability=in_stock&availability=backorder&lead_time=7&facets=availability,lead_time,brand", "", false, 200},
		{"search, q too long", "GET", "/v1/search?q=" + strings.Repeat("a", 257), "", false, 400},
		{"search, bad size", "GET", "/v1/search?size=0", "", false, 400},
		{"suggest", "GET", "/v1/suggest?q=ch", "", false, 200},
		{"suggest, q too long", "GET", "/v1/suggest?q=" + strings.Repeat("a", 257), "", false, 400},
		{"product", "GET", "/v1/products/" + pid, "", false, 200},
		{"unknown product", "GET", "/v1/products/acme:nope", "", false, 404},
		{"offers", "GET", "/v1/products/" + pid + "/offers", "", false, 200},
		{"offers of an unknown product", "GET", "/v1/products/acme:nope/offers", "", false, 404},
		{"rules", "GET", "/v1/quality/rules", "", false, 200},
		{"list", "GET", "/v1/catalogs", "", true, 200},
		{"list without a key", "GET", "/v1/catalogs", "", false, 401},
		{"list of another partner", "GET", "/v1/catalogs?partner=globex", "", true, 403},
		{"list, bad limit", "GET", "/v1/catalogs?limit=0", "", true, 400},
		{"catalog", "GET", "/v1/catalogs/" + done, "", true, 200},
		{"held catalog", "GET", "/v1/catalogs/" + held, "", true, 200},
		{"unknown catalog", "GET", "/v1/catalogs/nope", "", true, 404},
		{"catalog without a key", "GET", "/v1/catalogs/" + done, "", false, 401},
		{"rejected rows", "GET", "/v1/catalogs/" + done + "/rejected.csv", "", true, 303},
		{"no rejected rows", "GET", "/v1/catalogs/" + held + "/rejected.csv", "", true, 404},
		{"removals", "GET", "/v1/catalogs/" + held + "/removals.csv", "", true, 200},
		{"no removals", "GET", "/v1/catalogs/" + done + "/removals.csv", "", true, 404},
		{"to fix", "GET", "/v1/catalogs/" + done + "/to-fix.csv", "", true, 200},
		{"slot", "POST", "/v1/catalogs", `{"file":"a.csv"}`, true, 201},
		{"slot, bad body", "POST", "/v1/catalogs", `{"file":"a.csv","x":1}`, true, 400},
		{"slot without a key", "POST", "/v1/catalogs", `{"file":"a.csv"}`, false, 401},
		{"slot for another partner", "POST", "/v1/catalogs", `{"partner":"globex","file":"a.csv"}`, true, 403},
		{"confirm a done catalog", "POST", "/v1/catalogs/" + done + "/confirm", "", true, 409},
		{"confirm", "POST", "/v1/catalogs/" + held + "/confirm", "", true, 200},
		{"confirm an unknown catalog", "POST", "/v1/catalogs/nope/confirm", "", true, 404},
		{"confirm as a partial update, not held", "POST", "/v1/catalogs/" + held + "/confirm?mode=partial", "", true, 409},
		{"confirm with an unknown mode", "POST", "/v1/catalogs/" + held + "/confirm?mode=merge", "", true, 400},
		{"upload to an unknown slot", "PUT", "/v1/uploads/nope", "a", false, 404},
		{"download of an unknown file", "GET", "/v1/downloads/nope", "", false, 404},
		{"session", "GET", "/v1/session", "", true, 200},
		{"session without a key", "GET", "/v1/session", "", false, 401},
		{"end sessions without a generation", "POST", "/v1/session/end", "", true, 400},
	} {
		t.Run(x.name, func(t *testing.T) { a.check(t, doc, x) })
	}
}

// TestSlotCatalogsMatchTheirSchema: a catalog asked for without a mode is
// shown without one until its file decides it (it showed mode "", which
// the schema's enum full|partial does not allow).
func TestSlotCatalogsMatchTheirSchema(t *testing.T) {
	a := newContractAPI(t)
	doc := loadOpenAPI(t)
	rec := a.check(t, doc, exchange{"slot", "POST", "/v1/catalogs", `{"file":"b.csv"}`, true, 201})
	var slot struct {
		CatalogID string `json:"catalog_id"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &slot); err != nil {
		t.Fatal(err)
	}
	rec = a.check(t, doc, exchange{"slot's catalog", "GET", "/v1/catalogs/" + slot.CatalogID, "", true, 200})
	if strings.Contains(rec.Body.String(), `"mode"`) {
		t.Fatalf("an undecided mode is shown: %s", rec.Body)
	}
	a.check(t, doc, exchange{"list with the slot", "GET", "/v1/catalogs", "", true, 200})
}

// TestWrongMethodIs405WithAllow: a route's path with a method it does not
// take is 405 with Allow naming the documented methods (and HEAD with
// GET), not 404; an unknown path stays 404.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	doc := loadOpenAPI(t)
	h := api.New(api.Deps{Store: newStore(t)})
	for p, ops := range doc.paths {
		var allow []string
		for m := range ops {
			allow = append(allow, strings.ToUpper(m))
			if m == "get" {
				allow = append(allow, "HEAD")
			}
		}
		target := strings.NewReplacer("{id}", "x", "{token}", "x").Replace(p)
		for _, method := range []string{"DELETE", "PATCH", "TRACE", "OPTIONS", "PUT", "POST"} {
			if slices.Contains(allow, method) {
				continue
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(method, target, nil))
			var body map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			got := strings.Split(rec.Header().Get("Allow"), ", ")
			if rec.Code != http.StatusMethodNotAllowed || errorCode(body) != "not_allowed" || !sameSet(got, allow) {
				t.Errorf("%s %s: %d Allow %q %v, want 405 not_allowed Allow %v", method, target, rec.Code, rec.Header().Get("Allow"), body, allow)
			}
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("DELETE", "/v1/nothing", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("DELETE /v1/nothing: %d", rec.Code)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestRequestsOutsideTheSchemaAreRefused: what openapi.json does not allow
// is a 400, never read as a default: an empty integer, sort, cursor or
// partner, a q longer than 256 characters as sent, a lower-case grade, a
// malformed price or facet list, an empty or null mode.
func TestRequestsOutsideTheSchemaAreRefused(t *testing.T) {
	a := newContractAPI(t)
	doc := loadOpenAPI(t)
	for _, x := range []exchange{
		{"empty size", "GET", "/v1/search?size=", "", false, 400},
		{"empty page", "GET", "/v1/search?page=", "", false, 400},
		{"signed page", "GET", "/v1/search?page=%2B2", "", false, 400},
		{"empty facet_size", "GET", "/v1/search?facet_size=", "", false, 400},
		{"empty sort", "GET", "/v1/search?sort=", "", false, 400},
		{"empty cursor", "GET", "/v1/search?cursor=", "", false, 400},
		{"cursor not base64url", "GET", "/v1/search?cursor=a%2Bb", "", false, 400},
		{"q with spaces past 256", "GET", "/v1/search?q=" + strings.Repeat("+", 250) + "chaises", "", false, 400},
		{"lower-case grade", "GET", "/v1/search?grade=a", "", false, 400},
		{"empty grade", "GET", "/v1/search?grade=", "", false, 400},
		{"unknown availability", "GET", "/v1/search?availability=instock", "", false, 400},
		{"empty availability", "GET", "/v1/search?availability=", "", false, 400},
		{"lead time not a band", "GET", "/v1/search?lead_time=5", "", false, 400},
		{"unknown facet", "GET", "/v1/search?facets=stock", "", false, 400},
		{"empty price", "GET", "/v1/search?price_min=", "", false, 400},
		{"price with spaces", "GET", "/v1/search?price_min=+12", "", false, 400},
		{"price with 7 decimals", "GET", "/v1/search?price_max=1.1234567", "", false, 400},
		{"price of 13 digits", "GET", "/v1/search?price_max=1234567890123", "", false, 400},
		{"empty facet", "GET", "/v1/search?facets=brand,,grade", "", false, 400},
		{"spaced facet", "GET", "/v1/search?facets=brand,+grade", "", false, 400},
		{"21 facets", "GET", "/v1/search?facets=brand" + strings.Repeat(",grade", 20), "", false, 400},
		{"suggest, empty size", "GET", "/v1/suggest?size=", "", false, 400},
		{"empty limit", "GET", "/v1/catalogs?limit=", "", true, 400},
		{"empty partner", "GET", "/v1/catalogs?partner=", "", true, 400},
		{"empty mode", "POST", "/v1/catalogs", `{"file":"a.csv","mode":""}`, true, 400},
		{"null mode", "POST", "/v1/catalogs", `{"file":"a.csv","mode":null}`, true, 400},
		{"empty partner in the body", "POST", "/v1/catalogs", `{"partner":"","file":"a.csv"}`, true, 400},
		{"number as file", "POST", "/v1/catalogs", `{"file":12}`, true, 400},
		{"empty file", "POST", "/v1/catalogs", `{"file":""}`, true, 400},
		{"no file", "POST", "/v1/catalogs", `{"mode":"full"}`, true, 400},
	} {
		t.Run(x.name, func(t *testing.T) { a.check(t, doc, x) })
	}
}

// TestRequestsInsideTheSchemaAreAccepted: what openapi.json allows is
// served: any non-empty file name (one with nothing usable left is stored
// under a default name), the largest price and facet lists, the start
// cursor, an empty facets (no facets).
func TestRequestsInsideTheSchemaAreAccepted(t *testing.T) {
	a := newContractAPI(t)
	doc := loadOpenAPI(t)
	for _, x := range []exchange{
		{"file .", "POST", "/v1/catalogs", `{"file":"."}`, true, 201},
		{"file ..", "POST", "/v1/catalogs", `{"file":".."}`, true, 201},
		{"file /", "POST", "/v1/catalogs", `{"file":"/"}`, true, 201},
		{"file of blanks", "POST", "/v1/catalogs", `{"file":"  "}`, true, 201},
		{"file and mode", "POST", "/v1/catalogs", `{"partner":"acme","file":"x.csv","mode":"partial"}`, true, 201},
		{"largest price", "GET", "/v1/search?price_min=0&price_max=999999999999.999999", "", false, 200},
		{"20 facets", "GET", "/v1/search?facets=brand" + strings.Repeat(",grade", 19), "", false, 200},
		{"no facets", "GET", "/v1/search?facets=", "", false, 200},
		{"every availability and band", "GET", "/v1/search?availability=in_stock&availability=backorder&availability=out_of_stock" +
			"&lead_time=1&lead_time=3&lead_time=7&lead_time=14&lead_time=30&facets=availability,lead_time", "", false, 200},
		{"attribute facet", "GET", "/v1/search?facets=" + url.QueryEscape("attr.Couleur du pied"), "", false, 200},
		{"start cursor", "GET", "/v1/search?cursor=*&page=1", "", false, 200},
		{"deepest page", "GET", "/v1/search?page=10000&size=1", "", false, 200},
		{"empty q", "GET", "/v1/search?q=", "", false, 200},
		{"empty brand", "GET", "/v1/search?brand=", "", false, 200},
		{"limit", "GET", "/v1/catalogs?limit=500&partner=acme", "", true, 200},
	} {
		t.Run(x.name, func(t *testing.T) { a.check(t, doc, x) })
	}
	if c, err := a.store.ListCatalogs(context.Background(), "acme", 50); err != nil || !slices.ContainsFunc(c, func(c catalog.Catalog) bool { return c.File == "catalog" }) {
		t.Fatalf("no catalog stored under the default name: %v", err)
	}
}

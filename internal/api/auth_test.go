package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// authAPI is an API over real local components with two partners' keys,
// acme holding a done catalog with rejected rows and a held one, globex one
// catalog; every request and log line is kept to look for leaked keys.
type authAPI struct {
	*ingestAPI
	logs          *bytes.Buffer
	globex        string // globex's key
	revoked       string // a key of acme's that was revoked
	done, held    catalog.Catalog
	globexCatalog catalog.Catalog
}

func newAuthAPI(t *testing.T) *authAPI {
	t.Helper()
	ctx := context.Background()
	store := newStore(t)
	blobs, err := diskblobs.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	logs := &bytes.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc := ingest.New(ingest.Deps{Store: store, Blobs: blobs, Clock: clock, TempDir: t.TempDir()})
	h := api.New(api.Deps{Store: store, Blobs: blobs, Ingest: svc, Clock: clock, Logger: logger})
	a := &authAPI{
		ingestAPI: &ingestAPI{h: h, svc: svc, store: store, blobs: blobs, now: &now, key: issueKey(t, blobs, "acme")},
		logs:      logs, globex: issueKey(t, blobs, "globex"), revoked: issueKey(t, blobs, "acme"),
	}
	if err := partnerkeys.New(blobs).Revoke(ctx, a.revoked); err != nil {
		t.Fatal(err)
	}
	put := func(partner, name, content string) catalog.Catalog {
		key := "incoming/" + partner + "/" + name
		if _, err := blobs.Put(ctx, key, strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Ingest(ctx, ingest.Request{Partner: partner, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a.done = put("acme", "v1.csv", "sku,name,price\nA,a,1\nB,b,2\nC,c,3\nD,d,douze\n")
	a.held = put("acme", "v2.csv", "sku,name\nA,a\n")
	a.globexCatalog = put("globex", "g.csv", "sku,name\nG,g\n")
	if a.done.Report.Rejected != 1 || a.held.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("setup: done %+v, held %s", a.done.Report, a.held.Status)
	}
	return a
}

// TestPartnerRoutesNeedTheirPartnersKey: every protected route, with no
// key, a bad one, a revoked one, another partner's and the right one.
func TestPartnerRoutesNeedTheirPartnersKey(t *testing.T) {
	a := newAuthAPI(t)
	for _, rt := range partnerRoutes(a) {
		for _, c := range refusedKeys(a) {
			want, code, applies := c.answerTo(a, rt)
			if !applies {
				continue
			}
			t.Run(rt.name+"/"+c.name, func(t *testing.T) {
				rec, body := a.send(t, c.key, c.header, rt)
				if rec.Code != want || errorCode(body) != code {
					t.Fatalf("%s %s: %d %v, want %d %s", rt.method, rt.target, rec.Code, body, want, code)
				}
				if want == http.StatusUnauthorized && rec.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("401 without WWW-Authenticate")
				}
			})
		}
		for _, header := range []string{"X-Api-Key", "Authorization"} {
			if rt.name == "confirm" && header == "Authorization" {
				continue // confirming twice is a conflict; once is enough
			}
			t.Run(rt.name+"/right key in "+header, func(t *testing.T) {
				rec, body := a.send(t, a.key, header, rt)
				if rec.Code != rt.want {
					t.Fatalf("%d, want %d: %s", rec.Code, rt.want, rec.Body)
				}
				rt.check(t, rec, body)
			})
		}
	}
	// Other partners' requests had no effect on acme's data.
	if c, err := a.store.GetCatalog(context.Background(), a.held.ID); err != nil || c.Status != catalog.StatusDone {
		t.Fatalf("held catalog after the right key's confirm: %+v %v", c.Status, err)
	}
	checkNoKeyLogged(t, a)
}

// partnerRoute is a protected route and what the right key gets from it:
// the status, and what check finds in the answer.
type partnerRoute struct {
	name, method, target, body string
	want                       int
	check                      func(t *testing.T, rec *httptest.ResponseRecorder, body map[string]any)
}

// partnerRoutes are the catalog routes of acme's catalogs.
func partnerRoutes(a *authAPI) []partnerRoute {
	return []partnerRoute{
		{"list", "GET", "/v1/catalogs", "", http.StatusOK, func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
			got := catalogIDsOf(body)
			if len(got) != 2 || strings.Contains(strings.Join(got, " "), a.globexCatalog.ID) || body["partner"] != "acme" {
				t.Fatalf("%v", got)
			}
		}},
		{"list naming itself", "GET", "/v1/catalogs?partner=acme&limit=1", "", http.StatusOK, func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
			if got := catalogIDsOf(body); len(got) != 1 {
				t.Fatalf("%v", got)
			}
		}},
		{"catalog", "GET", "/v1/catalogs/" + a.done.ID, "", http.StatusOK, func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
			if body["id"] != a.done.ID || body["partner"] != "acme" {
				t.Fatalf("%v", body)
			}
		}},
		// A redirect to a short-lived URL of the file (followed in catalogs_ingest_test.go).
		{"rejected rows", "GET", "/v1/catalogs/" + a.done.ID + "/rejected.csv", "", http.StatusSeeOther, func(t *testing.T, rec *httptest.ResponseRecorder, _ map[string]any) {
			if loc := rec.Header().Get("Location"); !strings.HasPrefix(loc, "/v1/downloads/") {
				t.Fatalf("Location %q", loc)
			}
		}},
		{"removals", "GET", "/v1/catalogs/" + a.held.ID + "/removals.csv", "", http.StatusOK, func(t *testing.T, rec *httptest.ResponseRecorder, _ map[string]any) {
			bodyHas("id,sku,gtin,name\n", "acme:B,B,,b", "acme:C,C,,c")(t, rec, nil)
			if b := rec.Body.String(); !strings.HasPrefix(b, "id,sku,gtin,name\n") || strings.Contains(b, "acme:A,") {
				t.Fatalf("%s", b)
			}
		}},
		{"products to fix", "GET", "/v1/catalogs/" + a.done.ID + "/to-fix.csv", "", http.StatusOK, func(t *testing.T, rec *httptest.ResponseRecorder, _ map[string]any) {
			if !strings.HasPrefix(rec.Body.String(), "id,sku,name,grade") {
				t.Fatalf("%s", rec.Body)
			}
		}},
		{"changes", "GET", "/v1/catalogs/" + a.done.ID + "/changes", "", http.StatusOK, func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
			if list, _ := body["changes"].([]any); len(list) != 3 || body["catalog_id"] != a.done.ID {
				t.Fatalf("%v", body)
			}
		}},
		{"confirm", "POST", "/v1/catalogs/" + a.held.ID + "/confirm", "", http.StatusOK, func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
			if body["status"] != "done" {
				t.Fatalf("%v", body)
			}
		}},
		{"upload slot", "POST", "/v1/catalogs", `{"file":"a.csv"}`, http.StatusCreated, slotOf("acme")},
		{"upload slot naming itself", "POST", "/v1/catalogs", `{"partner":"acme","file":"a.csv"}`, http.StatusCreated, slotOf("acme")},
	}
}

// catalogIDsOf lists the ids of a catalog list's answer.
func catalogIDsOf(body map[string]any) []string {
	var out []string
	list, _ := body["catalogs"].([]any)
	for _, c := range list {
		out = append(out, c.(map[string]any)["id"].(string))
	}
	return out
}

// bodyHas checks that the answer's body holds every part.
func bodyHas(parts ...string) func(t *testing.T, rec *httptest.ResponseRecorder, _ map[string]any) {
	return func(t *testing.T, rec *httptest.ResponseRecorder, _ map[string]any) {
		t.Helper()
		for _, s := range parts {
			if !strings.Contains(rec.Body.String(), s) {
				t.Fatalf("no %q in %s", s, rec.Body)
			}
		}
	}
}

// slotOf checks that an upload slot is partner's.
func slotOf(partner string) func(t *testing.T, rec *httptest.ResponseRecorder, body map[string]any) {
	return func(t *testing.T, _ *httptest.ResponseRecorder, body map[string]any) {
		t.Helper()
		if key, _ := body["key"].(string); !strings.HasPrefix(key, "incoming/"+partner+"/") {
			t.Fatalf("%v", body)
		}
	}
}

// refusedKey is a key that must not open acme's catalogs, and the answer
// it gets.
type refusedKey struct {
	name, key, header string
	want              int
	code              string
}

// refusedKeys: no key, bad or revoked ones get 401. Another partner's key
// gets 404 for acme's catalogs, as for an unknown id: it must not learn
// which catalog ids exist.
func refusedKeys(a *authAPI) []refusedKey {
	return []refusedKey{
		{"no key", "", "X-Api-Key", http.StatusUnauthorized, "unauthorized"},
		{"malformed key", "letmein", "X-Api-Key", http.StatusUnauthorized, "unauthorized"},
		{"unknown key", "csk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "X-Api-Key", http.StatusUnauthorized, "unauthorized"},
		{"revoked key", a.revoked, "X-Api-Key", http.StatusUnauthorized, "unauthorized"},
		{"revoked bearer", a.revoked, "Authorization", http.StatusUnauthorized, "unauthorized"},
		{"other partner's key", a.globex, "X-Api-Key", http.StatusNotFound, "not_found"},
	}
}

// answerTo is the status and error code the key gets from rt; applies is
// false where another partner's key is allowed (the route then serves that
// partner's own catalogs).
func (c refusedKey) answerTo(a *authAPI, rt partnerRoute) (want int, code string, applies bool) {
	if c.key != a.globex {
		return c.want, c.code, true
	}
	switch {
	case rt.name == "upload slot", rt.name == "list":
		return 0, "", false // without a partner in the body or ?partner, it is globex's own
	case strings.HasSuffix(rt.name, "naming itself"):
		// Naming another partner is refused whether or not it exists:
		// 403, which tells nothing about acme's catalogs.
		return http.StatusForbidden, "forbidden", true
	}
	return c.want, c.code, true
}

// send calls rt with key in header ("Authorization": as a bearer token),
// and fails if any key is in the answer.
func (a *authAPI) send(t *testing.T, key, header string, rt partnerRoute) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(rt.method, rt.target, strings.NewReader(rt.body))
	switch {
	case key == "":
	case header == "Authorization":
		req.Header.Set("Authorization", "Bearer "+key)
	default:
		req.Header.Set(header, key)
	}
	a.h.ServeHTTP(rec, req)
	var body map[string]any
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s %s: %v", rt.method, rt.target, err)
		}
	}
	for _, k := range []string{a.key, a.globex, a.revoked} {
		if strings.Contains(rec.Body.String(), k) || strings.Contains(strings.Join(headerValues(rec.Header()), " "), k) {
			t.Fatalf("%s %s: the key is in the response", rt.method, rt.target)
		}
	}
	return rec, body
}

// checkNoKeyLogged: requests were logged, and no key with them.
func checkNoKeyLogged(t *testing.T, a *authAPI) {
	t.Helper()
	for _, k := range []string{a.key, a.globex, a.revoked} {
		if strings.Contains(a.logs.String(), k) {
			t.Fatal("a key was logged")
		}
	}
	if !strings.Contains(a.logs.String(), "/v1/catalogs") {
		t.Fatal("requests were not logged at all; the leak check proves nothing")
	}
}

func headerValues(h http.Header) []string {
	var out []string
	for _, v := range h {
		out = append(out, v...)
	}
	return out
}

// TestOtherPartnersRequestsChangeNothing: globex's key cannot confirm acme's
// held catalog, nor get a slot in acme's name.
func TestOtherPartnersRequestsChangeNothing(t *testing.T) {
	a := newAuthAPI(t)
	if rec, body := a.doKey(t, a.globex, "POST", "/v1/catalogs/"+a.held.ID+"/confirm", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("confirm: %d %v", rec.Code, body)
	}
	if c, err := a.store.GetCatalog(context.Background(), a.held.ID); err != nil || c.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("held catalog after globex's confirm: %s %v", c.Status, err)
	}
	if rec, body := a.doKey(t, a.globex, "GET", "/v1/catalogs?partner=acme", ""); rec.Code != http.StatusForbidden || errorCode(body) != "forbidden" {
		t.Fatalf("list acme's: %d %v", rec.Code, body)
	}
	// Without a partner in the body, the slot is the key's partner's.
	rec, body := a.doKey(t, a.globex, "POST", "/v1/catalogs", `{"file":"g2.csv"}`)
	if rec.Code != http.StatusCreated || !strings.HasPrefix(body["key"].(string), "incoming/globex/") {
		t.Fatalf("globex slot: %d %v", rec.Code, body)
	}
	rec, body = a.doKey(t, a.globex, "GET", "/v1/catalogs", "")
	if list, _ := body["catalogs"].([]any); rec.Code != http.StatusOK || len(list) != 2 {
		t.Fatalf("globex list: %d %v", rec.Code, body)
	}
	if rec, body := a.doKey(t, a.globex, "GET", "/v1/catalogs/nope", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("unknown catalog: %d %v", rec.Code, body)
	}
}

// TestOtherPartnersCatalogIsNotFound: for every catalog route, another
// partner's catalog id answers exactly as an unknown id does (status, code
// and message but the id), so a key cannot tell which ids exist.
func TestOtherPartnersCatalogIsNotFound(t *testing.T) {
	a := newAuthAPI(t)
	const unknown = "c00000000000000000000"
	for _, suffix := range []string{"", "/rejected.csv", "/removals.csv", "/to-fix.csv", "/changes", "/confirm"} {
		method := "GET"
		if suffix == "/confirm" {
			method = "POST"
		}
		theirs, theirBody := a.doKey(t, a.globex, method, "/v1/catalogs/"+a.held.ID+suffix, "")
		none, noneBody := a.doKey(t, a.globex, method, "/v1/catalogs/"+unknown+suffix, "")
		if theirs.Code != http.StatusNotFound || none.Code != http.StatusNotFound {
			t.Fatalf("%s %s: another partner's %d, unknown %d; want 404 for both", method, suffix, theirs.Code, none.Code)
		}
		mine := strings.ReplaceAll(theirs.Body.String(), a.held.ID, "ID")
		other := strings.ReplaceAll(none.Body.String(), unknown, "ID")
		if mine != other || errorCode(theirBody) != "not_found" || errorCode(noneBody) != "not_found" {
			t.Fatalf("%s %s: another partner's answer %s differs from an unknown id's %s", method, suffix, mine, other)
		}
	}
	if c, err := a.store.GetCatalog(context.Background(), a.held.ID); err != nil || c.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("held catalog after globex's confirm: %s %v", c.Status, err)
	}
}

// TestOpenAPISecurityMatchesTheRoutes: the operations openapi.json marks
// with the partnerKey scheme are exactly the routes that answer 401
// without a key, and they document their 401 (and 403 where the request
// can name a partner); those marked with operatorKey also answer 403 to a
// partner's key.
func TestOpenAPISecurityMatchesTheRoutes(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			SecuritySchemes map[string]struct {
				Type string `json:"type"`
				In   string `json:"in"`
				Name string `json:"name"`
			} `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Components.SecuritySchemes["partnerKey"]; s.Type != "apiKey" || s.In != "header" || s.Name != "X-Api-Key" {
		t.Fatalf("securitySchemes.partnerKey = %+v", s)
	}
	a := newAuthAPI(t)
	for _, rt := range api.New(api.Deps{}).Routes() {
		var op struct {
			Security  []map[string][]string `json:"security"`
			Responses map[string]any        `json:"responses"`
		}
		if err := json.Unmarshal(doc.Paths[rt.Path][strings.ToLower(rt.Method)], &op); err != nil {
			t.Fatalf("%s %s: %v", rt.Method, rt.Path, err)
		}
		operator := len(op.Security) == 1 && op.Security[0]["operatorKey"] != nil
		documented := len(op.Security) == 1 && op.Security[0]["partnerKey"] != nil || operator
		target := strings.NewReplacer("{id}", a.done.ID, "{token}", "x", "{view}", api.InsightViews()[0]).Replace(rt.Path)
		rec, _ := a.doKey(t, "", rt.Method, target, "")
		if served := rec.Code == http.StatusUnauthorized; served != documented {
			t.Errorf("%s %s: answers %d without a key, openapi security %v", rt.Method, rt.Path, rec.Code, op.Security)
		}
		if documented && op.Responses["401"] == nil {
			t.Errorf("%s %s: documents no 401", rt.Method, rt.Path)
		}
		// 403 is only for naming another partner (the partner parameter
		// and body field of /v1/catalogs); a catalog id of another
		// partner's is a 404 like an unknown one.
		// The operator's routes refuse a partner's key with 403.
		if operator {
			if rec, _ := a.do(t, rt.Method, target, ""); rec.Code != http.StatusForbidden || op.Responses["403"] == nil {
				t.Errorf("%s %s: a partner key gets %d, documents 403 %v; want 403", rt.Method, rt.Path, rec.Code, op.Responses["403"] != nil)
			}
			continue
		}
		namesPartner := rt.Path == "/v1/catalogs"
		if documented && (op.Responses["403"] != nil) != namesPartner {
			t.Errorf("%s %s: documents 403 %v, want %v", rt.Method, rt.Path, op.Responses["403"] != nil, namesPartner)
		}
	}
}

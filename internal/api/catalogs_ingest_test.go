package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// The embedded default confirms synchronously with the ingest service.
var _ api.Intake = (*ingest.Service)(nil)

type ingestAPI struct {
	h     http.Handler
	svc   *ingest.Service
	store catalog.Store
	blobs catalog.Blobs
	now   *time.Time
	key   string // acme's API key, sent by do
}

func newIngestAPI(t *testing.T, maxBytes int64) *ingestAPI {
	t.Helper()
	store := newStore(t)
	blobs, err := diskblobs.New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	svc := ingest.New(ingest.Deps{Store: store, Blobs: blobs, Clock: clock, TempDir: t.TempDir()})
	h := api.New(api.Deps{Store: store, Blobs: blobs, Ingest: svc, Clock: clock, MaxUploadBytes: maxBytes})
	return &ingestAPI{h: h, svc: svc, store: store, blobs: blobs, now: &now, key: issueKey(t, blobs, "acme")}
}

// do sends a request with acme's API key.
func (a *ingestAPI) do(t *testing.T, method, target, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	return a.doKey(t, a.key, method, target, body)
}

// doKey sends a request with key as X-Api-Key (none when empty).
func (a *ingestAPI) doKey(t *testing.T, key, method, target, body string) (*httptest.ResponseRecorder, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if key != "" {
		req.Header.Set("X-Api-Key", key)
	}
	a.h.ServeHTTP(rec, req)
	var m map[string]any
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("%s %s: %v: %s", method, target, err, rec.Body)
		}
	}
	return rec, m
}

// rejectedRows asks for a catalog's rejected rows, which the API answers
// with a 303 to a short-lived download URL, and follows it without the
// partner's key, as a browser does.
func (a *ingestAPI) rejectedRows(t *testing.T, id string) *httptest.ResponseRecorder {
	t.Helper()
	rec, body := a.do(t, "GET", "/v1/catalogs/"+id+"/rejected.csv", "")
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || loc == "" || body["url"] != loc || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("rejected.csv: %d %s %v", rec.Code, rec.Header(), body)
	}
	// No PublicURL: a path on the API.
	if !strings.HasPrefix(loc, "/v1/downloads/") {
		t.Fatalf("download URL %q", loc)
	}
	rec, _ = a.doKey(t, "", "GET", loc, "")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="`+id+`-rejected.csv"` {
		t.Fatalf("download: %d %s", rec.Code, rec.Header())
	}
	return rec
}

// uploadPath asks for an upload slot and returns the catalog id, the key
// and the path of the upload URL.
func (a *ingestAPI) slot(t *testing.T, partner, file, mode string) (string, string, string) {
	t.Helper()
	req := fmt.Sprintf(`{"partner":%q,"file":%q,"mode":%q}`, partner, file, mode)
	if mode == "" { // the partner's setting: no mode in the body
		req = fmt.Sprintf(`{"partner":%q,"file":%q}`, partner, file)
	}
	rec, body := a.do(t, "POST", "/v1/catalogs", req)
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST /v1/catalogs: %d %v", rec.Code, body)
	}
	up := body["upload"].(map[string]any)
	if up["method"] != "PUT" || up["max_bytes"] == nil || up["expires_at"] == nil {
		t.Fatalf("upload = %v", up)
	}
	// No PublicURL: the URL is a path on the API.
	u, err := url.Parse(up["url"].(string))
	if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/v1/uploads/") {
		t.Fatalf("upload url %v: %v", up["url"], err)
	}
	return body["catalog_id"].(string), body["key"].(string), u.Path
}

func TestUploadIngestAndReport(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	id, key, path := a.slot(t, "acme", "Catalogue été.csv", "")
	if !strings.HasPrefix(key, "incoming/acme/") || !strings.HasSuffix(key, "-Catalogue__t_.csv") {
		t.Fatalf("key = %s", key)
	}
	// The catalog exists at once, waiting for its file.
	if rec, body := a.do(t, "GET", "/v1/catalogs/"+id, ""); rec.Code != http.StatusOK || body["status"] != "received" {
		t.Fatalf("GET waiting catalog: %d %v", rec.Code, body)
	}
	file := "sku,name,price\nA,Chaise,12\nB,=HYPERLINK(\"http://evil\"),1\nC,Table,douze\n,Sans sku,1\n"
	if rec, body := a.do(t, "PUT", path, file); rec.Code != http.StatusCreated || body["key"] != key {
		t.Fatalf("PUT upload: %d %v", rec.Code, body)
	}
	// The file event (the embedded stack's notifying blobs, or S3 -> SQS).
	c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.ID != id || c.Status != catalog.StatusDone {
		t.Fatalf("ingest: %+v %v", c, err)
	}
	rec, body := a.do(t, "GET", "/v1/catalogs/"+id, "")
	rep, _ := body["report"].(map[string]any)
	if rec.Code != http.StatusOK || body["status"] != "done" || rep["rows"] != 4.0 || rep["rejected"] != 2.0 {
		t.Fatalf("GET catalog: %d %v", rec.Code, body)
	}
	rec = a.rejectedRows(t, id)
	recs, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "ingest_error" || !strings.HasPrefix(recs[1][0], "bad_price") {
		t.Fatalf("rejected.csv = %q, %v", recs, err)
	}
	// The row with the formula name was accepted; its product is plain text.
	if p, err := a.store.GetProduct(ctx, "acme:B"); err != nil || p.Name != `=HYPERLINK("http://evil")` {
		t.Fatalf("B = %+v %v", p, err)
	}
	// The same upload URL again: the slot is used up.
	if _, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key}); err != nil {
		t.Fatal(err)
	}
	if cats, _ := a.store.ListCatalogs(ctx, "acme", 10); len(cats) != 1 {
		t.Fatalf("%d catalogs", len(cats))
	}
}

func TestRejectedCSVNeutralisesFormulas(t *testing.T) {
	a := newIngestAPI(t, 0)
	_, key, path := a.slot(t, "acme", "f.csv", "partial")
	file := "sku,name,price\n=1+1,+cmd|' /C calc'!A0,@SUM(1)\n-2,\tTab,x\n"
	a.do(t, "PUT", path, file)
	c, err := a.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.Mode != catalog.ModePartial {
		t.Fatalf("%+v %v", c, err)
	}
	rec := a.rejectedRows(t, c.ID)
	recs, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil || len(recs) != 3 {
		t.Fatalf("%q %v", recs, err)
	}
	for _, r := range recs[1:] {
		for _, cell := range r[1:] {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("cell %q not neutralised in %q", cell, r)
			}
		}
	}
	if recs[1][1] != "'=1+1" || recs[2][2] != "'\tTab" {
		t.Fatalf("rows = %q", recs)
	}
}

func TestUploadRefusals(t *testing.T) {
	a := newIngestAPI(t, 16)
	for _, body := range []string{`{"partner":"Bad Partner","file":"a.csv"}`, `{"partner":"acme"}`, `{"partner":"acme","file":"a.csv","mode":"sometimes"}`, `not json`, `{"partner":"acme","file":"a.csv","extra":1}`} {
		if rec, b := a.do(t, "POST", "/v1/catalogs", body); rec.Code != http.StatusBadRequest || errorCode(b) != "invalid" {
			t.Errorf("POST %s: %d %v", body, rec.Code, b)
		}
	}
	_, _, path := a.slot(t, "acme", "a.csv", "")
	if rec, b := a.do(t, "PUT", path, strings.Repeat("x", 17)); rec.Code != http.StatusRequestEntityTooLarge || errorCode(b) != "too_large" {
		t.Fatalf("too large: %d %v", rec.Code, b)
	}
	if rec, b := a.do(t, "PUT", path+"x", "sku"); rec.Code != http.StatusNotFound {
		t.Fatalf("tampered token: %d %v", rec.Code, b)
	}
	*a.now = a.now.Add(intake.UploadTTL + time.Second)
	if rec, b := a.do(t, "PUT", path, "sku"); rec.Code != http.StatusBadRequest || !strings.Contains(b["error"].(map[string]any)["message"].(string), "expired") {
		t.Fatalf("expired: %d %v", rec.Code, b)
	}
	if rec, b := a.do(t, "GET", "/v1/catalogs/nope/rejected.csv", ""); rec.Code != http.StatusNotFound || errorCode(b) != "not_found" {
		t.Fatalf("unknown catalog: %d %v", rec.Code, b)
	}
}

// TestDownloadURLs: a download URL reads only what it was signed for, for
// DownloadTTL; an upload URL is no download URL; a catalog without
// rejected rows answers 404, not a redirect.
func TestDownloadURLs(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	_, key, path := a.slot(t, "acme", "d.csv", "")
	a.do(t, "PUT", path, "sku,name,price\nA,Chaise,12\nB,Table,douze\n")
	c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := a.do(t, "GET", "/v1/catalogs/"+c.ID+"/rejected.csv", "")
	loc := rec.Header().Get("Location")
	_, key2, path2 := a.slot(t, "acme", "clean.csv", "")
	a.do(t, "PUT", path2, "sku,name,price\nA,Chaise,12\n")
	clean, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key2})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		target string
		after  time.Duration
		status int
	}{
		{"download", loc, 0, http.StatusOK},
		{"tampered", loc + "x", 0, http.StatusNotFound},
		{"upload token", strings.Replace(path, "/v1/uploads/", "/v1/downloads/", 1), 0, http.StatusNotFound},
		{"expired", loc, intake.DownloadTTL + time.Second, http.StatusBadRequest},
		{"no rejected rows", "/v1/catalogs/" + clean.ID + "/rejected.csv", 0, http.StatusNotFound},
	}
	t0 := *a.now
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*a.now = t0.Add(tt.after)
			rec, _ := a.do(t, "GET", tt.target, "")
			if rec.Code != tt.status {
				t.Fatalf("GET %s: %d, want %d: %s", tt.target, rec.Code, tt.status, rec.Body)
			}
		})
	}
}

func TestConfirmRoute(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	put := func(name, content string) catalog.Catalog {
		key := "incoming/acme/" + name
		if _, err := a.blobs.Put(ctx, key, strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
		c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	put("v1.csv", "sku,name\nA,a\nB,b\nC,c\nD,d\n")
	held := put("v2.csv", "sku,name\nA,a\n")
	if held.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("v2 = %s", held.Status)
	}
	rec, body := a.do(t, "POST", "/v1/catalogs/"+held.ID+"/confirm", "")
	if rec.Code != http.StatusOK || body["status"] != "done" || body["report"].(map[string]any)["removed"] != 3.0 {
		t.Fatalf("confirm: %d %v", rec.Code, body)
	}
	if rec, body := a.do(t, "POST", "/v1/catalogs/"+held.ID+"/confirm", ""); rec.Code != http.StatusConflict || errorCode(body) != "conflict" {
		t.Fatalf("confirm again: %d %v", rec.Code, body)
	}
	if rec, body := a.do(t, "POST", "/v1/catalogs/nope/confirm", ""); rec.Code != http.StatusNotFound {
		t.Fatalf("confirm unknown: %d %v", rec.Code, body)
	}
	// Held again (A of A, E, F, G), applied as a partial update: done,
	// nothing removed, and the catalog list says 0 removed for it.
	put("v3.csv", "sku,name\nA,a\nE,e\nF,f\nG,g\n")
	held = put("v4.csv", "sku,name\nA,a2\n")
	if held.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("v4 = %s", held.Status)
	}
	rec, body = a.do(t, "POST", "/v1/catalogs/"+held.ID+"/confirm?mode=partial", "")
	if rec.Code != http.StatusOK || body["status"] != "done" || body["mode"] != "partial" || body["report"].(map[string]any)["removed"] != 0.0 {
		t.Fatalf("confirm as partial: %d %v", rec.Code, body)
	}
	n := 0
	for _, err := range a.store.Products(ctx, "acme") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 4 {
		t.Fatalf("%d products after a partial confirmation, want 4", n)
	}
	_, list := a.do(t, "GET", "/v1/catalogs?limit=10", "")
	found := false
	for _, c := range list["catalogs"].([]any) {
		c := c.(map[string]any)
		if c["id"] == held.ID {
			found = c["status"] == "done" && c["report"].(map[string]any)["removed"] == 0.0
		}
	}
	if !found {
		t.Fatalf("catalog list %v", list)
	}
}

// queueingIntake confirms as the api Lambda does: the checks of intake,
// then the catalog is handed on (here recorded instead of sent to SQS,
// which awslambda's tests exercise on moto) and returned unchanged.
type queueingIntake struct {
	*ingest.Service
	store  catalog.Store
	blobs  catalog.Blobs
	queued []string
}

func (q *queueingIntake) Confirm(ctx context.Context, id string, as catalog.Mode) (catalog.Catalog, error) {
	c, err := intake.CheckConfirm(ctx, q.store, q.blobs, id)
	if err != nil {
		return c, err
	}
	q.queued = append(q.queued, id+" "+string(as))
	return c, nil
}

// TestConfirmRouteQueued: a confirmation whose processing is still to
// come answers 202 Accepted with the catalog as it stands; errors are
// those of the checks.
func TestConfirmRouteQueued(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	q := &queueingIntake{Service: a.svc, store: a.store, blobs: a.blobs}
	h := api.New(api.Deps{Store: a.store, Blobs: a.blobs, Ingest: q, Clock: func() time.Time { return *a.now }})
	a.h = h
	var cats []catalog.Catalog
	for _, f := range []struct{ name, content string }{{"v1.csv", "sku,name\nA,a\nB,b\nC,c\nD,d\n"}, {"v2.csv", "sku,name\nA,a\n"}} {
		key := "incoming/acme/" + f.name
		if _, err := a.blobs.Put(ctx, key, strings.NewReader(f.content)); err != nil {
			t.Fatal(err)
		}
		c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		cats = append(cats, c)
	}
	done, held := cats[0], cats[1]
	if done.Status != catalog.StatusDone || held.Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("catalogs %s, %s", done.Status, held.Status)
	}
	rec, body := a.do(t, "POST", "/v1/catalogs/"+held.ID+"/confirm", "")
	if rec.Code != http.StatusAccepted || body["status"] != string(catalog.StatusNeedsConfirmation) || body["id"] != held.ID {
		t.Fatalf("confirm: %d %v", rec.Code, body)
	}
	if len(q.queued) != 1 || q.queued[0] != held.ID+" " {
		t.Fatalf("queued %v", q.queued)
	}
	// As a partial update: the mode goes with it.
	if rec, body := a.do(t, "POST", "/v1/catalogs/"+held.ID+"/confirm?mode=partial", ""); rec.Code != http.StatusAccepted {
		t.Fatalf("confirm as partial: %d %v", rec.Code, body)
	}
	if len(q.queued) != 2 || q.queued[1] != held.ID+" partial" {
		t.Fatalf("queued %v", q.queued)
	}
	for _, target := range []string{"/confirm?mode=merge", "/confirm?mode=", "/confirm?mode=partial&mode=full"} {
		if rec, body := a.do(t, "POST", "/v1/catalogs/"+held.ID+target, ""); rec.Code != http.StatusBadRequest || errorCode(body) != "invalid" {
			t.Fatalf("%s: %d %v", target, rec.Code, body)
		}
	}
	if rec, body := a.do(t, "POST", "/v1/catalogs/"+done.ID+"/confirm", ""); rec.Code != http.StatusConflict || errorCode(body) != "conflict" {
		t.Fatalf("confirm of a done catalog: %d %v", rec.Code, body)
	}
	if len(q.queued) != 2 {
		t.Fatalf("queued %v", q.queued)
	}
}

// TestUploadURLIsUnderThePublicURL: with Deps.PublicURL configured, the
// upload URL is under it, whatever Host the request came with.
func TestUploadURLIsUnderThePublicURL(t *testing.T) {
	a := newIngestAPI(t, 0)
	h := http.StripPrefix("/api", api.New(api.Deps{Store: a.store, Blobs: a.blobs, Ingest: a.svc,
		Clock: func() time.Time { return *a.now }, PublicURL: "https://catalog.example/api/"}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "http://evil.example/api/v1/catalogs", strings.NewReader(`{"partner":"acme","file":"a.csv"}`))
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("Authorization", "Bearer "+a.key)
	h.ServeHTTP(rec, req)
	var body struct {
		Upload struct {
			URL string `json:"url"`
		} `json:"upload"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || !strings.HasPrefix(body.Upload.URL, "https://catalog.example/api/v1/uploads/") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

// TestUploadURLIgnoresTheRequestHost: the upload URL the embedded default
// hands out is never built from the request's Host or X-Forwarded-*
// headers (a hostile Host would send the partner's file elsewhere).
func TestUploadURLIgnoresTheRequestHost(t *testing.T) {
	a := newIngestAPI(t, 0)
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/v1/catalogs", strings.NewReader(`{"partner":"acme","file":"a.csv"}`))
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Api-Key", a.key)
	a.h.ServeHTTP(rec, req)
	var body struct {
		Upload struct {
			URL string `json:"url"`
		} `json:"upload"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != http.StatusCreated {
		t.Fatalf("POST /v1/catalogs: %d %s", rec.Code, rec.Body)
	}
	if strings.Contains(body.Upload.URL, "evil.example") || !strings.HasPrefix(body.Upload.URL, "/v1/uploads/") {
		t.Fatalf("the upload URL reflects the request's Host: %s", body.Upload.URL)
	}
}

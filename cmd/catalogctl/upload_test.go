package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// TestUploadFlowOnTheEmbeddedStack runs the API's upload flow end to end
// on the local stack: ask for a slot, PUT the file to the returned URL,
// and the stack's file event ingests it under the slot's catalog ID and
// indexes it. The partner's key comes from catalogctl partner-key on the
// same data folder while the stack runs, as an operator would do.
func TestUploadFlowOnTheEmbeddedStack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "data")
	stack, err := local.Open(ctx, local.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { stack.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; stack.Close() }()
	var h http.Handler // the API's public URL is the test server's
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	defer srv.Close()
	h = http.StripPrefix("/api", stack.APIAt(srv.URL+"/api"))
	key := issue(t, dir, "bureau")
	other := issue(t, dir, "globex")
	call := func(method, path, key, body string) (int, []byte) {
		t.Helper()
		req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if key != "" {
			req.Header.Set("X-Api-Key", key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, b
	}
	if status, _ := call("POST", "/api/v1/catalogs", "", `{"file":"tarif.csv"}`); status != http.StatusUnauthorized {
		t.Fatalf("POST /v1/catalogs without a key: %d", status)
	}

	status, body := call("POST", "/api/v1/catalogs", key, `{"partner":"bureau","file":"tarif.csv","mode":"partial"}`)
	var slot intake.UploadSlot
	if err := json.Unmarshal(body, &slot); err != nil || status != http.StatusCreated {
		t.Fatalf("POST /v1/catalogs: %d %v %s", status, err, body)
	}
	if u, err := url.Parse(slot.Upload.URL); err != nil || !strings.HasPrefix(slot.Upload.URL, srv.URL+"/api/v1/uploads/") || slot.Upload.Method != "PUT" {
		t.Fatalf("upload = %+v (%v)", slot.Upload, u)
	}
	if err := slot.Upload.Send(ctx, http.DefaultClient, slot.Upload.URL, "tarif.csv",
		strings.NewReader("Référence;Désignation;Prix unitaire HT\nAG-1;Agrafeuse de bureau métal;12,50 €\n")); err != nil {
		t.Fatalf("PUT: %v", err)
	}

	var c struct {
		Status string         `json:"status"`
		Mode   string         `json:"mode"`
		Report map[string]any `json:"report"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, b := call("GET", "/api/v1/catalogs/"+slot.CatalogID, key, "")
		_ = json.Unmarshal(b, &c)
		if c.Status == "done" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if c.Status != "done" || c.Mode != "partial" || c.Report["accepted"] != 1.0 {
		t.Fatalf("catalog = %+v", c)
	}
	if status, _ := call("GET", "/api/v1/catalogs/"+slot.CatalogID, other, ""); status != http.StatusNotFound {
		t.Fatalf("another partner's key: %d", status)
	}
	if code, _, stderr := run(t, "partner-key", "--data", dir, "--revoke", key); code != exitOK {
		t.Fatalf("revoke: %d %s", code, stderr)
	}
	if status, _ := call("GET", "/api/v1/catalogs/"+slot.CatalogID, key, ""); status != http.StatusUnauthorized {
		t.Fatalf("revoked key: %d", status)
	}
	for time.Now().Before(deadline) {
		res, err := http.Get(srv.URL + "/api/v1/search?q=agrafeuse")
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Total int `json:"total"`
		}
		_ = json.NewDecoder(res.Body).Decode(&r)
		res.Body.Close()
		if r.Total == 1 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the uploaded product was not found by search")
}

// issue runs catalogctl partner-key for partner on the data folder dir and
// returns the key it printed.
func issue(t *testing.T, dir, partner string) string {
	t.Helper()
	code, stdout, stderr := run(t, "partner-key", "--data", dir, "--partner", partner)
	key := strings.TrimSpace(stdout)
	if code != exitOK || !strings.HasPrefix(key, "csk_") || strings.Contains(stderr, key) {
		t.Fatalf("partner-key: %d %q %q", code, stdout, stderr)
	}
	return key
}

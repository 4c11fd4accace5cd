package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/local"
)

// TestUploadFlowOnTheEmbeddedStack runs the API's upload flow end to end
// on the local stack: ask for a slot, PUT the file to the returned URL,
// and the stack's file event ingests it under the slot's catalog ID and
// indexes it.
func TestUploadFlowOnTheEmbeddedStack(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stack, err := local.Open(ctx, local.Options{Dir: filepath.Join(t.TempDir(), "data")})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { stack.Run(ctx); close(done) }()
	defer func() { cancel(); <-done; stack.Close() }()
	srv := httptest.NewServer(http.StripPrefix("/api", stack.API()))
	defer srv.Close()

	res, err := http.Post(srv.URL+"/api/v1/catalogs", "application/json", strings.NewReader(`{"partner":"bureau","file":"tarif.csv","mode":"partial"}`))
	if err != nil {
		t.Fatal(err)
	}
	var slot struct {
		CatalogID string `json:"catalog_id"`
		Upload    struct {
			Method, URL string
		} `json:"upload"`
	}
	if err := json.NewDecoder(res.Body).Decode(&slot); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("POST /v1/catalogs: %d %v", res.StatusCode, err)
	}
	res.Body.Close()
	if u, err := url.Parse(slot.Upload.URL); err != nil || !strings.HasPrefix(slot.Upload.URL, srv.URL+"/api/v1/uploads/") || slot.Upload.Method != "PUT" {
		t.Fatalf("upload = %+v (%v)", slot.Upload, u)
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, slot.Upload.URL,
		strings.NewReader("Référence;Désignation;Prix unitaire HT\nAG-1;Agrafeuse de bureau métal;12,50 €\n"))
	res, err = http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %v %v", res, err)
	}
	res.Body.Close()

	var c struct {
		Status string         `json:"status"`
		Mode   string         `json:"mode"`
		Report map[string]any `json:"report"`
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get(srv.URL + "/api/v1/catalogs/" + slot.CatalogID)
		if err != nil {
			t.Fatal(err)
		}
		_ = json.NewDecoder(res.Body).Decode(&c)
		res.Body.Close()
		if c.Status == "done" || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if c.Status != "done" || c.Mode != "partial" || c.Report["accepted"] != 1.0 {
		t.Fatalf("catalog = %+v", c)
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

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// TestServeListensBeforeTheBacklogIsIndexed: after a crash the store's
// change outbox holds changes the index has not taken. serve answers at
// once (health says how many changes are left) and drains the backlog
// while it serves.
func TestServeListensBeforeTheBacklogIsIndexed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "data")
	s, err := local.Open(ctx, local.Options{Dir: dir}) // creates the folder and an empty index
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Products written, not indexed: what a kill -9 between the two leaves.
	st, err := boltstore.Open(filepath.Join(dir, "catalog.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const backlog = 30000
	for from := 0; from < backlog; from += 1000 {
		ps := make([]catalog.Product, 0, 1000)
		for i := from; i < from+1000; i++ {
			key := fmt.Sprintf("P%05d", i)
			ps = append(ps, catalog.Product{ID: "acme:" + key, Partner: "acme", Key: key, Name: "Stylo bille " + key})
		}
		if _, err := st.PutProducts(ctx, ps); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	exited := make(chan int, 1)
	go func() {
		exited <- Run(ctx, []string{"serve", "--data", dir, "--addr", addr, "--no-site"}, nil, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-exited }()

	type health struct {
		Status   string `json:"status"`
		Products int    `json:"products"`
		Backlog  *int   `json:"index_backlog"`
	}
	get := func() (health, bool) {
		res, err := http.Get("http://" + addr + "/api/v1/health")
		if err != nil {
			return health{}, false
		}
		defer res.Body.Close()
		var h health
		if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&h) != nil {
			t.Fatalf("health: %d", res.StatusCode)
		}
		return h, true
	}
	var first health
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if h, ok := get(); ok {
			first = h
			break
		}
		select {
		case code := <-exited:
			t.Fatalf("serve exited with %d", code)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("serve did not answer within 30s")
		}
	}
	if first.Backlog == nil || *first.Backlog == 0 || first.Products == backlog {
		t.Fatalf("first health answer %+v: want the backlog still being indexed", first)
	}
	for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		h, _ := get()
		if h.Backlog != nil && *h.Backlog == 0 && h.Products == backlog {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("backlog not indexed in time: %+v", h)
		}
	}
}

// TestServePublicURLFlag: --public-url is an http(s) origin; anything else
// is a usage error.
func TestServePublicURLFlag(t *testing.T) {
	for raw, want := range map[string]string{
		"": "", "https://catalog.example/": "https://catalog.example", "http://127.0.0.1:8080": "http://127.0.0.1:8080",
	} {
		if got, err := publicOrigin(raw); err != nil || got != want {
			t.Errorf("publicOrigin(%q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{"catalog.example", "ftp://catalog.example", "https://catalog.example/api", "https://u@catalog.example", "https://catalog.example?x=1"} {
		if got, err := publicOrigin(raw); err == nil {
			t.Errorf("publicOrigin(%q) = %q, want an error", raw, got)
		}
	}
}

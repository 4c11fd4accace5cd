package api_test

import (
	"context"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// TestUploadSlotIsSingleUse: a second PUT to an upload URL is refused (409)
// and leaves the first file in place, so the catalog describes the stored
// file; of concurrent PUTs exactly one is stored.
func TestUploadSlotIsSingleUse(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	id, key, path := a.slot(t, "acme", "tarif.csv", "")
	first := "sku,name,price\nA,Chaise,12\n"
	if rec, body := a.do(t, "PUT", path, first); rec.Code != http.StatusCreated {
		t.Fatalf("first PUT: %d %v", rec.Code, body)
	}
	rec, body := a.do(t, "PUT", path, "sku,name,price\nEVIL,Remplacé,1\n")
	if rec.Code != http.StatusConflict || errorCode(body) != string(catalog.CodeConflict) {
		t.Fatalf("second PUT: %d %v, want 409 conflict", rec.Code, body)
	}
	if got := readBlob(t, a.blobs, key); got != first {
		t.Fatalf("stored file %q, want the first upload", got)
	}
	c, err := a.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.ID != id || c.Status != catalog.StatusDone || c.Report.Products != 1 {
		t.Fatalf("ingest: %+v %v", c, err)
	}
	if _, err := a.store.GetProduct(ctx, "acme:EVIL"); !catalog.IsNotFound(err) {
		t.Fatalf("the second file's product: %v", err)
	}
	// Concurrent PUTs through a fresh slot: one is stored.
	_, _, path = a.slot(t, "acme", "course.csv", "")
	codes := make([]int, 6)
	var wg sync.WaitGroup
	for i := range codes {
		wg.Go(func() {
			rec, _ := a.do(t, "PUT", path, "sku,name\nC,c\n")
			codes[i] = rec.Code
		})
	}
	wg.Wait()
	created := 0
	for _, c := range codes {
		switch c {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Fatalf("concurrent PUTs answered %v", codes)
		}
	}
	if created != 1 {
		t.Fatalf("concurrent PUTs answered %v, want one 201", codes)
	}
}

// TestUploadSlotDiesWithItsKey: once the key that asked for an upload URL
// is revoked, a PUT to it is refused (403) and nothing is stored; a slot
// of another, valid key still takes its file.
func TestUploadSlotDiesWithItsKey(t *testing.T) {
	a := newIngestAPI(t, 0)
	ctx := context.Background()
	valid := a.key
	doomed := issueKey(t, a.blobs, "acme")
	a.key = doomed
	_, key, path := a.slot(t, "acme", "tarif.csv", "")
	a.key = valid
	_, _, kept := a.slot(t, "acme", "autre.csv", "")
	if c, err := a.store.GetCatalog(ctx, intake.UploadCatalogID("acme", key)); err != nil || c.Slot == nil || c.Slot.KeyID != partnerkeys.KeyID(doomed) {
		t.Fatalf("slot record: %+v %v", c.Slot, err)
	}
	if err := partnerkeys.New(a.blobs).Revoke(ctx, doomed); err != nil {
		t.Fatal(err)
	}
	rec, body := a.do(t, "PUT", path, "sku,name\nA,a\n")
	if rec.Code != http.StatusForbidden || errorCode(body) != string(catalog.CodeForbidden) {
		t.Fatalf("PUT after the key was revoked: %d %v, want 403", rec.Code, body)
	}
	if _, err := a.blobs.Stat(ctx, key); !catalog.IsNotFound(err) {
		t.Fatalf("the refused file was stored: %v", err)
	}
	if rec, body := a.do(t, "PUT", kept, "sku,name\nB,b\n"); rec.Code != http.StatusCreated {
		t.Fatalf("PUT through the valid key's slot: %d %v", rec.Code, body)
	}
}

func readBlob(t *testing.T, b catalog.Blobs, key string) string {
	t.Helper()
	rc, _, err := b.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(got)
}

package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// TestExpiredUnusedSlotsLeaveTheListing: an upload slot nobody used is
// listed while it may still be used, and not once it expired; a slot whose
// file arrived stays listed, whatever its age.
func TestExpiredUnusedSlotsLeaveTheListing(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	blobs, err := diskblobs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := t0
	h := withKey{api.New(api.Deps{Store: store, Blobs: blobs, Clock: func() time.Time { return now }}), issueKey(t, blobs, "acme")}
	up, err := intake.NewLocalUploads()
	if err != nil {
		t.Fatal(err)
	}
	unused, err := intake.NewUpload(ctx, store, t0, intake.UploadRequest{Partner: "acme", File: "jamais.csv"}, up, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	used, err := intake.NewUpload(ctx, store, t0, intake.UploadRequest{Partner: "acme", File: "tarif.csv"}, up, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// Its file arrived; its ingest has not started yet (status received).
	if _, err := blobs.Put(ctx, used.Key, strings.NewReader("sku,name,price\nA,Stylo,1\n")); err != nil {
		t.Fatal(err)
	}
	list := func() []string {
		t.Helper()
		rec, body := get(t, h, "/v1/catalogs")
		if rec.Code != http.StatusOK {
			t.Fatalf("list: %d %v", rec.Code, body)
		}
		var ids []string
		for _, c := range body["catalogs"].([]any) {
			ids = append(ids, c.(map[string]any)["id"].(string))
		}
		return ids
	}
	if ids := list(); len(ids) != 2 {
		t.Fatalf("fresh slots listed: %v, want both", ids)
	}
	now = t0.Add(intake.UploadTTL + time.Minute)
	if ids := list(); len(ids) != 1 || ids[0] != used.CatalogID {
		t.Fatalf("after the slots expired: %v, want only %s (not the unused %s)", ids, used.CatalogID, unused.CatalogID)
	}
}

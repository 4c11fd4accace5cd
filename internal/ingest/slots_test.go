package ingest_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// slotFor records an upload slot of acme asked for at at with key (as the
// API does) and returns it. Files then arrive straight in the blobs, as
// S3 stores a presigned POST: the ingest claim is the only guard.
func (e *env) slotFor(at time.Time, key string) intake.UploadSlot {
	e.t.Helper()
	up, err := intake.NewLocalUploads()
	if err != nil {
		e.t.Fatal(err)
	}
	req := intake.UploadRequest{Partner: "acme", File: "tarif.csv", KeyID: partnerkeys.KeyID(key)}
	slot, err := intake.NewUpload(context.Background(), e.store, at, req, up, 1<<20)
	if err != nil {
		e.t.Fatal(err)
	}
	return slot
}

// TestSlotFileRefusedBeforeIngest: a file that comes through an upload
// slot it may not use (a second file through a used slot, a slot whose key
// was revoked, a slot that expired before the file came) is never
// ingested: its products never go live, the file is kept aside under the
// refused catalog's reports, incoming/ no longer holds it, and the catalog
// says why. A second delivery of the same event changes nothing.
func TestSlotFileRefusedBeforeIngest(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(e *env, key string) intake.UploadSlot
		reason string
		// first is the slot's catalog status at the end (its own record
		// refused, or the first file's catalog untouched).
		first catalog.Status
	}{
		{"second file through a used slot", func(e *env, key string) intake.UploadSlot {
			slot := e.slotFor(time.Now(), key)
			e.put(slot.Key, "sku,name\nA,Chaise\n")
			if c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: slot.Key}); err != nil || c.Status != catalog.StatusDone {
				e.t.Fatalf("first file: %+v %v", c, err)
			}
			return slot
		}, "already used", catalog.StatusDone},
		{"key revoked after it asked for the slot", func(e *env, key string) intake.UploadSlot {
			slot := e.slotFor(time.Now(), key)
			if err := partnerkeys.New(e.blobs).Revoke(context.Background(), key); err != nil {
				e.t.Fatal(err)
			}
			return slot
		}, "revoked", catalog.StatusRefused},
		{"file after the slot expired", func(e *env, key string) intake.UploadSlot {
			return e.slotFor(time.Now().Add(-intake.UploadTTL-time.Minute), key)
		}, "expired", catalog.StatusRefused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			key, err := partnerkeys.New(e.blobs).Issue(ctx, "acme")
			if err != nil {
				t.Fatal(err)
			}
			slot := tt.setup(e, key)
			const late = "sku,name\nEVIL,Remplacé\n"
			e.put(slot.Key, late)
			var got []catalog.Catalog
			for range 2 { // the event delivered twice
				c, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: slot.Key})
				if err != nil && !catalog.IsNotFound(err) {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			c := got[0]
			if c.Status != catalog.StatusRefused || c.Report == nil || !strings.Contains(c.Report.Reason, tt.reason) {
				t.Fatalf("late file: %+v %+v, want refused for %q", c, c.Report, tt.reason)
			}
			if _, err := e.store.GetProduct(ctx, "acme:EVIL"); !catalog.IsNotFound(err) {
				t.Fatalf("the refused file's product went live: %v", err)
			}
			if _, err := e.blobs.Stat(ctx, slot.Key); !catalog.IsNotFound(err) {
				t.Fatalf("the refused file is still under incoming/: %v", err)
			}
			rc, _, err := e.blobs.Open(ctx, intake.AsideKey(c.ID, c.File))
			if err != nil {
				t.Fatalf("the refused file was not kept aside: %v", err)
			}
			kept, _ := io.ReadAll(rc)
			rc.Close()
			if string(kept) != late {
				t.Fatalf("kept aside %q", kept)
			}
			if first, err := e.store.GetCatalog(ctx, slot.CatalogID); err != nil || first.Status != tt.first {
				t.Fatalf("the slot's catalog: %+v %v, want %s", first, err, tt.first)
			}
			if cats, _ := e.store.ListCatalogs(ctx, "acme", 10); len(cats) > 2 {
				t.Fatalf("%d catalogs after two deliveries", len(cats))
			}
		})
	}
}

package ingest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// A file sent through an upload slot keeps the name the partner gave it:
// the slot's key carries a random prefix that reports must not show.
func TestUploadedFileKeepsItsName(t *testing.T) {
	tests := []struct {
		name, file string
		mode       catalog.Mode
	}{
		{"partial csv", "tarifs-2026.csv", catalog.ModePartial},
		{"full csv", "catalogue.csv", catalog.ModeFull},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			up, err := intake.NewLocalUploads()
			if err != nil {
				t.Fatal(err)
			}
			slot, err := intake.NewUpload(t.Context(), e.store, time.Now(), intake.UploadRequest{Partner: "acme", File: tt.file, Mode: tt.mode}, up, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if base := slot.Key[strings.LastIndex(slot.Key, "/")+1:]; base == tt.file {
				t.Fatalf("the key %q has no prefix: the test proves nothing", slot.Key)
			}
			e.put(slot.Key, "sku,name,price,currency\nA-1,Chair,10.00,EUR\n")
			c, err := e.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: slot.Key})
			if err != nil {
				t.Fatal(err)
			}
			if c.ID != slot.CatalogID || c.File != tt.file {
				t.Fatalf("catalog %s file %q, want %s %q", c.ID, c.File, slot.CatalogID, tt.file)
			}
			stored, err := e.store.GetCatalog(t.Context(), slot.CatalogID)
			if err != nil || stored.File != tt.file {
				t.Fatalf("stored file %q (%v), want %q", stored.File, err, tt.file)
			}
			p, err := e.store.GetProduct(t.Context(), catalog.ProductID("acme", "A-1"))
			if err != nil || p.Source.File != tt.file {
				t.Fatalf("product source %+v (%v)", p.Source, err)
			}
		})
	}
}

package ingest_test

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// A full catalog held by the removal guard lists the products it would
// remove, for the partner to review before confirming.
func TestHeldCatalogListsItsRemovals(t *testing.T) {
	tests := []struct {
		name string
		keep int
		want []string // product ids that would go
	}{
		{"three kept", 3, []string{"acme:S003", "acme:S004", "acme:S005", "acme:S006", "acme:S007", "acme:S008", "acme:S009"}},
		{"seven kept", 7, []string{"acme:S007", "acme:S008", "acme:S009"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.ingest("acme", "v1.csv", rowsCSV(0, 10), "")
			c := e.ingest("acme", "v2.csv", rowsCSV(0, tt.keep), catalog.ModeFull)
			if c.Status != catalog.StatusNeedsConfirmation {
				t.Fatalf("status %s, want held", c.Status)
			}
			rc, _, err := e.blobs.Open(context.Background(), intake.RemovalsKey(c.ID))
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			rows, err := csv.NewReader(rc).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], []string{"id", "sku", "gtin", "name"}) {
				t.Fatalf("header %v", rows[0])
			}
			var ids []string
			for _, r := range rows[1:] {
				ids = append(ids, r[0])
				if r[3] == "" || r[1] == "" {
					t.Errorf("row %v lacks its sku or name", r)
				}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("would remove %v, want %v", ids, tt.want)
			}
			if n := len(e.products("acme")); n != 10 {
				t.Fatalf("%d products: a held catalog removes nothing", n)
			}
		})
	}
}

// A catalog that is not held writes no removals file.
func TestDoneCatalogHasNoRemovalsFile(t *testing.T) {
	e := newEnv(t)
	c := e.ingest("acme", "v1.csv", rowsCSV(0, 10), catalog.ModeFull)
	rc, _, err := e.blobs.Open(context.Background(), intake.RemovalsKey(c.ID))
	if err == nil {
		_, _ = io.Copy(io.Discard, rc)
		rc.Close()
		t.Fatal("a removals file for a catalog that removes nothing")
	}
	if !catalog.IsNotFound(err) {
		t.Fatal(err)
	}
}

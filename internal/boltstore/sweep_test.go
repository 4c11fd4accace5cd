package boltstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestDeleteExpiredCatalogs: the record of an upload slot nobody used is
// deleted once it expired more than catalog.SlotRecordGrace ago; a slot
// still in its grace, a used slot, a slot whose file was taken and any
// other catalog stay.
func TestDeleteExpiredCatalogs(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	slot := func(id string, expires time.Time, used time.Time, blob string, status catalog.Status) catalog.Catalog {
		return catalog.Catalog{ID: id, Partner: "acme", Key: "incoming/acme/" + id, File: id, Mode: catalog.ModeFull, Status: status,
			ReceivedAt: expires.Add(-15 * time.Minute), Slot: &catalog.Slot{ExpiresAt: expires, UsedAt: used, Blob: blob}}
	}
	old := now.Add(-catalog.SlotRecordGrace - time.Minute)
	records := []struct {
		c    catalog.Catalog
		kept bool
	}{
		{slot("unused-old", old, time.Time{}, "", catalog.StatusReceived), false},
		{slot("unused-in-grace", now.Add(-time.Hour), time.Time{}, "", catalog.StatusReceived), true},
		{slot("used-old", old, old.Add(-time.Minute), "", catalog.StatusReceived), true},
		{slot("taken-old", old, time.Time{}, "c1", catalog.StatusDone), true},
		{catalog.Catalog{ID: "plain", Partner: "acme", Key: "incoming/acme/plain.csv", File: "plain.csv", Mode: catalog.ModeFull,
			Status: catalog.StatusReceived, ReceivedAt: old.Add(-time.Hour)}, true},
	}
	for _, r := range records {
		if err := s.CreateCatalog(ctx, r.c); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.DeleteExpiredCatalogs(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("deleted %d (%v), want 1", n, err)
	}
	for _, r := range records {
		_, err := s.GetCatalog(ctx, r.c.ID)
		if r.kept && err != nil {
			t.Errorf("%s: %v, want kept", r.c.ID, err)
		}
		if !r.kept && !catalog.IsNotFound(err) {
			t.Errorf("%s: %v, want deleted", r.c.ID, err)
		}
	}
	if n, err := s.DeleteExpiredCatalogs(ctx, now); err != nil || n != 0 {
		t.Fatalf("a second sweep deleted %d (%v)", n, err)
	}
}

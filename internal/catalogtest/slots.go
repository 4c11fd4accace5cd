package catalogtest

import (
	"context"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// slotCatalog is the record of an upload slot nobody used yet.
func slotCatalog(id string, at time.Time) catalog.Catalog {
	c := sampleCatalog("acme", id, at)
	c.Slot = &catalog.Slot{ExpiresAt: at.Add(15 * time.Minute), KeyID: "5e3c0de1b7a9f2c4d6e8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d8e0f1a3b5c7d9"}
	return c
}

// storeSlotRoundTrip: an upload slot's record (expiry, key, use, file)
// reads back as written, alone and in the listing.
func storeSlotRoundTrip(ctx context.Context, t *testing.T, s catalog.Store) {
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := slotCatalog("slot-rt", at)
	if err := s.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	used := c
	used.Slot = &catalog.Slot{ExpiresAt: c.Slot.ExpiresAt, KeyID: c.Slot.KeyID, UsedAt: at.Add(time.Minute), Blob: "c0123"}
	if err := s.SwapCatalog(ctx, c, used); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetCatalog(ctx, c.ID)
	if err != nil || got.Slot == nil || *got.Slot != *used.Slot {
		t.Fatalf("slot read back: %+v %v, want %+v", got.Slot, err, used.Slot)
	}
	ls, err := s.ListCatalogs(ctx, "acme", 0)
	if err != nil || len(ls) != 1 || ls[0].Slot == nil || *ls[0].Slot != *used.Slot {
		t.Fatalf("slot in the listing: %+v %v", ls, err)
	}
}

// storeSlotUsedOnce: two uploads through one slot both read it unused and
// mark it used (the status stays received): the first write wins, the
// second conflicts, so only one file is stored.
func storeSlotUsedOnce(ctx context.Context, t *testing.T, s catalog.Store) {
	at := time.Now().UTC()
	c := slotCatalog("slot-once", at)
	if err := s.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		used := c
		used.Slot = &catalog.Slot{ExpiresAt: c.Slot.ExpiresAt, KeyID: c.Slot.KeyID, UsedAt: at.Add(time.Duration(i+1) * time.Millisecond)}
		err := s.SwapCatalog(ctx, c, used)
		if i == 0 && err != nil {
			t.Fatalf("the first use: %v", err)
		}
		if i > 0 {
			wantCode(t, err, catalog.CodeConflict)
		}
	}
	got, err := s.GetCatalog(ctx, c.ID)
	if err != nil || got.Slot == nil || !got.Slot.UsedAt.Equal(at.Add(time.Millisecond)) {
		t.Fatalf("after the uses: %+v %v", got.Slot, err)
	}
}

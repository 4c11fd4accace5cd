package catalogtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// LedgerStore is a Store that records the chunks of catalogs.
type LedgerStore interface {
	catalog.Store
	catalog.ChunkLedger
}

// TestChunkLedger is the conformance suite of catalog.ChunkLedger: chunks
// are counted once however often and however concurrently they are
// recorded, a reset forgets them, and a catalog in processing with
// progress reads back with its chunks done (GetCatalog, ListCatalogs),
// capped at its total.
func TestChunkLedger(t *testing.T, newStore func(t *testing.T) LedgerStore) {
	ctx := context.Background()
	t.Run("CountsEachChunkOnce", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		for n := range 8 {
			for range 2 { // each chunk twice, at once: a retried run
				wg.Go(func() {
					if _, err := s.ChunkDone(ctx, "c1", n); err != nil {
						t.Error(err)
					}
				})
			}
		}
		wg.Wait()
		got, err := s.ChunkDone(ctx, "c1", 3)
		if err != nil || got != 8 {
			t.Fatalf("ChunkDone after 8 chunks twice = %d, %v; want 8", got, err)
		}
		if got, _ := s.ChunkDone(ctx, "c2", 0); got != 1 {
			t.Fatalf("another catalog's first chunk = %d, want 1", got)
		}
	})
	t.Run("ResetForgets", func(t *testing.T) {
		s := newStore(t)
		for n := range 3 {
			if _, err := s.ChunkDone(ctx, "c1", n); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.ResetChunks(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetChunks(ctx, "never"); err != nil {
			t.Fatalf("reset of a catalog without chunks: %v", err)
		}
		if got, err := s.ChunkDone(ctx, "c1", 2); err != nil || got != 1 {
			t.Fatalf("after reset = %d, %v; want 1", got, err)
		}
	})
	t.Run("InvalidRefused", func(t *testing.T) {
		s := newStore(t)
		_, err := s.ChunkDone(ctx, "", 0)
		wantCode(t, err, catalog.CodeInvalid)
		_, err = s.ChunkDone(ctx, "c1", -1)
		wantCode(t, err, catalog.CodeInvalid)
	})
	t.Run("ProgressReadsBack", func(t *testing.T) {
		s := newStore(t)
		c := sampleCatalog("acme", "big", time.Now().UTC().Truncate(time.Millisecond))
		c.Status = catalog.StatusProcessing
		c.Progress = &catalog.Progress{Rows: 1000, ChunksTotal: 4}
		if err := s.PutCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 2, 2} {
			if _, err := s.ChunkDone(ctx, "big", n); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.GetCatalog(ctx, "big")
		if err != nil || got.Progress == nil || *got.Progress != (catalog.Progress{Rows: 1000, ChunksTotal: 4, ChunksDone: 2}) {
			t.Fatalf("GetCatalog progress = %+v, %v; want 2 of 4 done", got.Progress, err)
		}
		list, err := s.ListCatalogs(ctx, "acme", 10)
		if err != nil || len(list) != 1 || list[0].Progress == nil || list[0].Progress.ChunksDone != 2 {
			t.Fatalf("ListCatalogs = %+v, %v; want the catalog with 2 chunks done", list, err)
		}
		// A swap from the record read keeps working: the chunks done are
		// not part of its revision.
		done := got
		done.Status = catalog.StatusDone
		if err := s.SwapCatalog(ctx, got, done); err != nil {
			t.Fatalf("swap from a record read with progress: %v", err)
		}
		// A finished catalog keeps the progress it was written with.
		for n := range 6 {
			if _, err := s.ChunkDone(ctx, "big", n); err != nil {
				t.Fatal(err)
			}
		}
		got, err = s.GetCatalog(ctx, "big")
		if err != nil || got.Progress == nil || got.Progress.ChunksDone != 2 {
			t.Fatalf("finished catalog progress = %+v, %v; want it as written", got.Progress, err)
		}
	})
}

package ingest_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// countingBlobs counts the opens of each key: one run of the pipeline
// opens its file once.
type countingBlobs struct {
	*diskblobs.Blobs
	opens sync.Map // key -> *atomic.Int64
}

func (b *countingBlobs) Open(ctx context.Context, key string) (io.ReadCloser, catalog.BlobInfo, error) {
	n, _ := b.opens.LoadOrStore(key, new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
	return b.Blobs.Open(ctx, key)
}

func (b *countingBlobs) count(key string) int64 {
	n, ok := b.opens.Load(key)
	if !ok {
		return 0
	}
	return n.(*atomic.Int64).Load()
}

// barrierStore holds every read of one catalog until `readers` reads
// arrived (or a second passed): the window in which two deliveries of one
// event have both read the record and neither has written yet.
type barrierStore struct {
	*boltstore.Store
	id      string
	readers int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

func (s *barrierStore) GetCatalog(ctx context.Context, id string) (catalog.Catalog, error) {
	c, err := s.Store.GetCatalog(ctx, id)
	if id != s.id {
		return c, err
	}
	s.mu.Lock()
	s.arrived++
	if s.arrived == s.readers {
		close(s.all)
	}
	s.mu.Unlock()
	select {
	case <-s.all:
	case <-time.After(time.Second):
	}
	return c, err
}

// TestSlotUploadClaimedOnce: a file uploaded through an upload slot,
// whose event is delivered twice (one after the other, then at the same
// time), is ingested once: the claim of the slot's record is conditional.
func TestSlotUploadClaimedOnce(t *testing.T) {
	for _, tc := range []struct {
		name       string
		concurrent bool
	}{
		{"twice delivered", false},
		{"concurrent deliveries", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			up, err := intake.NewLocalUploads()
			if err != nil {
				t.Fatal(err)
			}
			// The slot is asked for now: its file arrives now (the blob's time).
			slot, err := intake.NewUpload(ctx, e.store, time.Now(), intake.UploadRequest{Partner: "acme", File: "c.csv"}, up, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			e.put(slot.Key, canonical)
			blobs := &countingBlobs{Blobs: e.blobs}
			var store catalog.Store = e.store
			if tc.concurrent {
				store = &barrierStore{Store: e.store, id: slot.CatalogID, readers: 2, all: make(chan struct{})}
			}
			svc := ingest.New(ingest.Deps{Store: store, Blobs: blobs, Clock: func() time.Time { return e.now }, TempDir: t.TempDir()})
			got := make([]catalog.Catalog, 2)
			errs := make([]error, 2)
			deliver := func(i int) { got[i], errs[i] = svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: slot.Key}) }
			if tc.concurrent {
				var wg sync.WaitGroup
				for i := range 2 {
					wg.Go(func() { deliver(i) })
				}
				wg.Wait()
			} else {
				deliver(0)
				deliver(1)
			}
			for i, err := range errs {
				if err != nil {
					t.Fatalf("delivery %d: %v", i, err)
				}
				if got[i].ID != slot.CatalogID {
					t.Fatalf("delivery %d answered catalog %s, want the slot's %s", i, got[i].ID, slot.CatalogID)
				}
			}
			if n := blobs.count(slot.Key); n != 1 {
				t.Fatalf("the file was read by %d runs, want 1", n)
			}
			c, err := e.store.GetCatalog(ctx, slot.CatalogID)
			if err != nil || c.Status != catalog.StatusDone || c.Report == nil || c.Report.Created != 3 {
				t.Fatalf("catalog after two deliveries: %+v %v", c, err)
			}
			cats, err := e.store.ListCatalogs(ctx, "acme", 10)
			if err != nil || len(cats) != 1 {
				t.Fatalf("%d catalogs (%v), want the slot's only", len(cats), err)
			}
		})
	}
}

// failingStore fails every PutProducts after the first `ok` calls.
type failingStore struct {
	*boltstore.Store
	ok    int
	calls atomic.Int64
}

func (s *failingStore) PutProducts(ctx context.Context, ps []catalog.Product) ([]catalog.Product, error) {
	if s.calls.Add(1) > int64(s.ok) {
		return nil, catalog.Errorf(catalog.CodeUnavailable, "injected: the store is down")
	}
	return s.Store.PutProducts(ctx, ps)
}

// TestFailedRunSaysWhatItApplied: a run that fails after writing part of
// the file says so on the catalog, and a retry of the file finishes it.
func TestFailedRunSaysWhatItApplied(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := "incoming/acme/big.csv"
	e.put(key, rowsCSV(0, 3000))
	st := &failingStore{Store: e.store, ok: 1}
	svc := ingest.New(ingest.Deps{Store: st, Blobs: e.blobs, Clock: func() time.Time { return e.now }, TempDir: t.TempDir()})
	c, err := svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err == nil || c.Status != catalog.StatusFailed {
		t.Fatalf("ingest with a failing store: %s, %v", c.Status, err)
	}
	written := len(e.products("acme"))
	if written == 0 || written >= 3000 {
		t.Fatalf("%d products written before the failure, want part of the file", written)
	}
	got, err := e.store.GetCatalog(ctx, c.ID)
	if err != nil || got.Status != catalog.StatusFailed || got.Report == nil ||
		!strings.Contains(got.Report.Reason, fmt.Sprintf("%d products", written)) {
		t.Fatalf("the failed catalog does not say what it applied: %+v %v", got.Report, err)
	}
	// The retry (a redelivery of the event) finishes it.
	c, err = e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil || c.Status != catalog.StatusDone || len(e.products("acme")) != 3000 {
		t.Fatalf("retry: %s %v, %d products", c.Status, err, len(e.products("acme")))
	}
}

package local_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// outboxProbe records the largest backlog of the store's change outbox
// seen after each product write the ingest makes.
type outboxProbe struct {
	catalog.Store
	outbox interface {
		Pending(context.Context) (int, error)
	}
	mu     sync.Mutex
	max    int
	writes int
	err    error
}

func (p *outboxProbe) PutProducts(ctx context.Context, ps []catalog.Product) ([]catalog.Product, error) {
	out, err := p.Store.PutProducts(ctx, ps)
	n, perr := p.outbox.Pending(ctx)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.writes++
	p.max = max(p.max, n)
	if perr != nil && p.err == nil {
		p.err = perr
	}
	return out, err
}

// storedProducts counts the products of the store.
func storedProducts(t *testing.T, s *local.Stack) int {
	t.Helper()
	n := 0
	for _, err := range s.Store.Products(context.Background(), "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// TestIngestKeepsTheOutboxBounded: while an ingest writes a catalog many
// times larger than Options.OutboxLimit, the store's change outbox is
// drained into the index as it goes, so it never holds more than the
// limit and one write batch (it used to hold every product of the file
// until the ingest ended); at the end the index holds what the store does.
func TestIngestKeepsTheOutboxBounded(t *testing.T) {
	ctx := context.Background()
	const limit, rows = 300, 3000
	s, err := local.Open(ctx, local.Options{Dir: t.TempDir(), OutboxLimit: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	path := filepath.Join(t.TempDir(), "big.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demogen.Write(ctx, f, demogen.FormatCSV, demogen.Options{Seed: 7, Rows: rows, Headers: demogen.HeadersCanonical}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// The stack's own ingest store, watched from outside: the probe reads
	// the outbox of the store under it after each write.
	probe := &outboxProbe{Store: s.IngestStore(), outbox: s.Store}
	svc := ingest.New(ingest.Deps{Store: probe, Blobs: s.Disk()})
	key := intake.IncomingKey("acme", "big.csv")
	r, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := s.Disk().Put(ctx, key, r); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != catalog.StatusDone || c.Report.Created < rows/2 {
		t.Fatalf("ingest ended %s with %+v", c.Status, c.Report)
	}
	if probe.err != nil {
		t.Fatal(probe.err)
	}
	// The ingest writes 200 products a call (ingest's writeBatch): the
	// outbox holds at most the limit and one batch past it.
	const bound = limit + 200
	t.Logf("%d products in %d writes; largest outbox after a write: %d changes", c.Report.Created, probe.writes, probe.max)
	if probe.max > bound {
		t.Fatalf("the outbox held %d changes during the ingest of %d products, want at most %d", probe.max, c.Report.Created, bound)
	}
	if _, err := s.SyncIndex(ctx); err != nil {
		t.Fatal(err)
	}
	indexed, err := s.Index.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stored := storedProducts(t, s); indexed != stored || stored != c.Report.Products {
		t.Fatalf("index holds %d products, store %d, report %d", indexed, stored, c.Report.Products)
	}
}

// TestIngestFileLeavesStoreAndIndexAgreeing: catalogctl ingest's path
// (IngestFile) with drains during the ingest, then a second full file
// that drops products: the removals reach the index too, and store and
// index hold the same products, with nothing left in the outbox.
func TestIngestFileLeavesStoreAndIndexAgreeing(t *testing.T) {
	ctx := context.Background()
	s, err := local.Open(ctx, local.Options{Dir: t.TempDir(), OutboxLimit: 250})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := t.TempDir()
	write := func(name string, rows int) string {
		t.Helper()
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := demogen.Write(ctx, f, demogen.FormatCSV, demogen.Options{Seed: 11, Rows: rows, Headers: demogen.HeadersCanonical}); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The same generator and seed: the smaller file's rows are the first
	// rows of the larger, so the second ingest removes the rest.
	for _, step := range []struct {
		path    string
		removed bool
	}{{write("first.csv", 2000), false}, {write("second.csv", 1900), true}} {
		c, err := s.IngestFile(ctx, "acme", step.path, catalog.ModeFull, false)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != catalog.StatusDone || (c.Report.Removed > 0) != step.removed {
			t.Fatalf("%s: %s, %+v", step.path, c.Status, c.Report)
		}
		indexed, err := s.Index.Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stored := storedProducts(t, s); indexed != stored || stored != c.Report.Products {
			t.Fatalf("%s: index holds %d products, store %d, report %d", step.path, indexed, stored, c.Report.Products)
		}
		if n, err := s.Store.Pending(ctx); err != nil || n != 0 {
			t.Fatalf("%s: %d changes left in the outbox (%v)", step.path, n, err)
		}
	}
}

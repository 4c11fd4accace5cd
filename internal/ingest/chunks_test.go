package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// heldQueue keeps the chunk messages a reading run queues, for the test
// to deliver in the order it chooses. It stands for the ingest queue
// (SQS): the AWS end-to-end test (awse2e TestChunkedIngest) runs the same
// path on moto's SQS under the Lambda emulator.
type heldQueue struct{ refs []contract.ChunkRef }

func (q *heldQueue) SendChunks(_ context.Context, refs []contract.ChunkRef) error {
	q.refs = append(q.refs, refs...)
	return nil
}

// killingStore fails one PutProducts call (the n-th, counting from 1)
// once, after writing half of its products: a run killed in the middle of
// a chunk.
type killingStore struct {
	*boltstore.Store
	failAt atomic.Int64
	calls  atomic.Int64
}

var errKilled = errors.New("killed in the middle of a chunk")

func (s *killingStore) PutProducts(ctx context.Context, ps []catalog.Product) ([]catalog.Product, error) {
	if s.calls.Add(1) == s.failAt.Load() {
		if _, err := s.Store.PutProducts(ctx, ps[:len(ps)/2]); err != nil {
			return nil, err
		}
		return nil, catalog.Wrap(catalog.CodeUnavailable, errKilled, "killed")
	}
	return s.Store.PutProducts(ctx, ps)
}

// chunkedEnv is an env whose service writes products in chunks of size.
type chunkedEnv struct {
	*env
	queue *heldQueue
	st    *killingStore
	bl    *diskblobs.Blobs
}

func newChunkedEnv(t *testing.T, size int) *chunkedEnv {
	t.Helper()
	st, bl := embeddedtest.Open(t)
	fs := &killingStore{Store: st}
	q := &heldQueue{}
	e := &env{t: t, store: st, blobs: bl, now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
	e.svc = ingest.New(ingest.Deps{Store: fs, Blobs: bl, Clock: func() time.Time { return e.now }, TempDir: t.TempDir(),
		ChunkProducts: size, Chunks: q, Ledger: st})
	return &chunkedEnv{env: e, queue: q, st: fs, bl: bl}
}

// deliver hands the queued chunks to IngestChunk in a shuffled order
// (rng), or last to first (rng nil: SQS keeps no order), each one twice
// when twice is set (SQS delivers at least once), and a chunk whose run
// fails is delivered again, as SQS does after its visibility timeout. It
// returns the catalog as the last run left it.
func (ce *chunkedEnv) deliver(rng *rand.Rand, twice bool) catalog.Catalog {
	ce.t.Helper()
	refs := ce.queue.refs
	ce.queue.refs = nil
	if twice {
		refs = append(refs, refs...)
	}
	if rng == nil {
		slices.Reverse(refs)
	} else {
		rng.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
	}
	var last catalog.Catalog
	for len(refs) > 0 {
		ref := refs[0]
		refs = refs[1:]
		c, err := ce.svc.IngestChunk(context.Background(), ref)
		if err != nil {
			if !errors.Is(err, errKilled) {
				ce.t.Fatalf("chunk %d: %v", ref.Chunk, err)
			}
			refs = append(refs, ref) // redelivered later
			continue
		}
		last = c
	}
	return last
}

// ingestChunked ingests a file, delivers its chunks and returns the
// catalog as stored at the end.
func (ce *chunkedEnv) ingestChunked(rng *rand.Rand, file, content string, twice bool) (catalog.Catalog, int) {
	ce.t.Helper()
	key := "incoming/acme/" + file
	ce.put(key, content)
	c, err := ce.svc.Ingest(context.Background(), ingest.Request{Partner: "acme", Key: key})
	if err != nil {
		ce.t.Fatalf("Ingest: %v", err)
	}
	chunks := 0
	if c.Status == catalog.StatusProcessing {
		if c.Progress == nil || c.Progress.ChunksTotal != len(ce.queue.refs) || c.Progress.ChunksDone != 0 {
			ce.t.Fatalf("dispatched catalog progress %+v with %d chunks queued", c.Progress, len(ce.queue.refs))
		}
		chunks = c.Progress.ChunksTotal
		ce.deliver(rng, twice)
	}
	got, err := ce.store.GetCatalog(context.Background(), c.ID)
	if err != nil {
		ce.t.Fatal(err)
	}
	ce.checkInvariants(got)
	return got, chunks
}

// variedCSV is rows from..to of a catalog whose prices move with gen.
func variedCSV(from, to, gen int) string {
	var b strings.Builder
	b.WriteString("sku,name,price\n")
	for i := from; i < to; i++ {
		price := 10 + i
		if i%7 == gen%7 {
			price += gen
		}
		fmt.Fprintf(&b, "S%04d,Produit %d,%d\n", i, i, price)
	}
	return b.String()
}

// sameReport compares what two runs of the same file report.
func sameReport(a, b *catalog.Report) string {
	type counts struct {
		Status                                                                   catalog.Status
		Rows, Accepted, Rejected, Products, Created, Updated, Unchanged, Removed int
	}
	ca := counts{a.Status, a.Rows, a.Accepted, a.Rejected, a.Products, a.Created, a.Updated, a.Unchanged, a.Removed}
	cb := counts{b.Status, b.Rows, b.Accepted, b.Rejected, b.Products, b.Created, b.Updated, b.Unchanged, b.Removed}
	if ca != cb || len(a.Errors) != len(b.Errors) {
		return fmt.Sprintf("one pass %+v (%d errors), chunked %+v (%d errors)", ca, len(a.Errors), cb, len(b.Errors))
	}
	return ""
}

// TestChunkedIngestEqualsOnePass ingests the same files, one after the
// other, with the one-pass service and with one that writes chunks of 40
// products, delivered shuffled and twice, with a run killed in the middle
// of a chunk: the reports, the products and the history must be the same.
func TestChunkedIngestEqualsOnePass(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	one := newEnv(t)
	ce := newChunkedEnv(t, 40)
	steps := []struct {
		name       string
		content    string
		killAt     int  // the PutProducts call that fails once (0: none)
		wantChunks bool // written in chunks
		confirm    bool
		reverse    bool // chunks delivered last to first, once each
	}{
		{"first file, 300 products", variedCSV(0, 300, 0), 3, true, false, false},
		{"prices move, 10 removed, 20 new", variedCSV(10, 320, 1), 0, false, false, false},
		{"other prices move, a row rejected", variedCSV(10, 320, 2) + "BAD,Sans prix,abc\n", 2, false, false, false},
		{"same products, new prices on 1 in 7", variedCSV(10, 320, 3), 0, false, false, false},
		// The repeat is in the last chunk's part of the file, its first
		// emission in the first chunk's: delivered last to first, the
		// first emission would win if repeats were not written last.
		{"a key repeated at the end: the last row wins", variedCSV(10, 320, 4) + "S0018,Produit repris,999\n", 0, false, false, true},
		{"a full file of 100 of the 310: held, confirmed", variedCSV(0, 100, 3), 0, false, true, false},
		{"160 new, the 100 others missing: held in chunks, confirmed", variedCSV(400, 560, 0), 1, true, true, false},
	}
	for i, step := range steps {
		ce.st.failAt.Store(0)
		if step.killAt > 0 {
			ce.st.failAt.Store(ce.st.calls.Load() + int64(step.killAt))
		}
		file := fmt.Sprintf("v%d.csv", i)
		want := one.ingest("acme", file, step.content, "")
		order := rng
		if step.reverse {
			order = nil
		}
		got, chunks := ce.ingestChunked(order, file, step.content, i%2 == 0 && !step.reverse)
		if diff := sameReport(want.Report, got.Report); diff != "" {
			t.Fatalf("%s: %s", step.name, diff)
		}
		if want.Status != got.Status {
			t.Fatalf("%s: status one pass %s, chunked %s", step.name, want.Status, got.Status)
		}
		if step.confirm {
			w, err := one.svc.Confirm(context.Background(), want.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			g, err := ce.svc.Confirm(context.Background(), got.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if g.Status == catalog.StatusProcessing {
				ce.deliver(rng, false)
			}
			if g, err = ce.store.GetCatalog(context.Background(), got.ID); err != nil {
				t.Fatal(err)
			}
			if diff := sameReport(w.Report, g.Report); diff != "" || w.Report.Removed == 0 {
				t.Fatalf("%s, confirmed: %s (one pass removed %d)", step.name, diff, w.Report.Removed)
			}
		}
		t.Logf("%s: %s, %d chunks, %+v", step.name, got.Status, chunks, got.Progress)
		if step.wantChunks && chunks < 4 {
			t.Fatalf("%s: %d chunks, want at least 4", step.name, chunks)
		}
		a, b := one.products("acme"), ce.products("acme")
		if len(a) != len(b) {
			t.Fatalf("%s: %d products in one pass, %d chunked", step.name, len(a), len(b))
		}
		for k, p := range a {
			if q, ok := b[k]; !ok || q.Hash != p.Hash || q.Name != p.Name {
				t.Fatalf("%s: product %s one pass %s %q, chunked %s %q", step.name, k, p.Hash, p.Name, q.Hash, q.Name)
			}
		}
		// The chunk files are gone once the catalog is finished.
		left, err := ce.bl.List(context.Background(), contract.ReportsPrefix+got.ID+"/chunks/")
		if err != nil || len(left) > 0 {
			t.Fatalf("%s: chunk files left behind: %+v, %v", step.name, left, err)
		}
	}
	if ce.st.calls.Load() == 0 {
		t.Fatal("the chunked service wrote nothing")
	}
}

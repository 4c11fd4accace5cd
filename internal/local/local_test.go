package local_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/intake"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

func open(t *testing.T, dir string) *local.Stack {
	t.Helper()
	s, err := local.Open(context.Background(), local.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSeedDemoOnceAndSearchable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	n, err := s.SeedDemo(ctx, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(demogen.DemoCatalogs()); n != want {
		t.Fatalf("seeded %d catalogs, want %d", n, want)
	}
	count, err := s.Index.Count(ctx)
	if err != nil || count == 0 {
		t.Fatalf("index holds %d documents (err %v) after seeding", count, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopening the folder: seeding again does nothing, the data is kept.
	s = open(t, dir)
	defer s.Close()
	if n, err := s.SeedDemo(ctx, io.Discard); err != nil || n != 0 {
		t.Fatalf("second seed: %d, %v; want 0, nil", n, err)
	}
	if again, _ := s.Index.Count(ctx); again != count {
		t.Fatalf("index count %d after reopen, want %d", again, count)
	}
}

// TestUploadedFileIsIngestedAndIndexed: a Put under incoming/ (what the
// API's upload does) is the local twin of an S3 notification.
func TestUploadedFileIsIngestedAndIndexed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := open(t, t.TempDir())
	defer s.Close()
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	var b strings.Builder
	if _, err := demogen.Write(ctx, &b, demogen.FormatCSV, demogen.Options{Seed: 3, Rows: 50, Headers: demogen.HeadersCanonical}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Blobs.Put(ctx, intake.IncomingKey("acme", "upload.csv"), strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		cs, err := s.Store.ListCatalogs(ctx, "acme", 1)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := s.Index.Count(ctx)
		if len(cs) == 1 && cs[0].Status == catalog.StatusDone && n > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("upload not ingested and indexed in time: catalogs %+v, indexed %d", cs, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestLostIndexIsRebuiltFromTheStore: the store is the source of truth; an
// index folder that is gone (or of an older layout) is rebuilt on open.
func TestLostIndexIsRebuiltFromTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.SeedDemo(ctx, io.Discard); err != nil {
		t.Fatal(err)
	}
	want, err := s.Index.Count(ctx)
	if err != nil || want == 0 {
		t.Fatalf("count %d, %v", want, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	defer s.Close()
	if got, err := s.Index.Count(ctx); err != nil || got != want {
		t.Fatalf("after losing the index: count %d (%v), want %d", got, err, want)
	}
}

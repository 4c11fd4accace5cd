package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

func open(t *testing.T) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "catalog.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	catalogtest.TestStore(t, func(t *testing.T) catalog.Store { return open(t) })
}

func TestOutboxRecordsEveryWriteUntilAcked(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	if _, err := s.PutProducts(ctx, []catalog.Product{catalogtest.SampleProduct("a", "1"), catalogtest.SampleProduct("a", "2")}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProducts(ctx, []string{"a:1", "a:missing"}); err != nil {
		t.Fatal(err)
	}
	changes, err := s.Changes(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 3 {
		t.Fatalf("got %d changes, want 3 (two upserts, one delete; none for a missing id)", len(changes))
	}
	if changes[0].Op != catalog.OpUpsert || changes[0].Product == nil || changes[0].Product.Version != 1 ||
		changes[2].Op != catalog.OpDelete || changes[2].ID != "a:1" {
		t.Fatalf("changes = %+v", changes)
	}
	if err := s.Ack(ctx, changes[1].Seq); err != nil {
		t.Fatal(err)
	}
	rest, err := s.Changes(ctx, 10)
	if err != nil || len(rest) != 1 || rest[0].Seq != changes[2].Seq {
		t.Fatalf("after ack: %+v, %v", rest, err)
	}
	if n, _ := s.Pending(ctx); n != 1 {
		t.Fatalf("Pending = %d, want 1", n)
	}
}

func TestSecondOpenOfALockedFileIsUnavailable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = boltstore.Open(path, boltstore.Options{LockTimeout: 50e6})
	if catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("second open err = %v, want code unavailable", err)
	}
}

func TestChunkLedgerConformance(t *testing.T) {
	catalogtest.TestChunkLedger(t, func(t *testing.T) catalogtest.LedgerStore { return open(t) })
}

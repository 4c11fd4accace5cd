package boltstore_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

// TestSearchLogConformance runs the shared catalog.SearchLog suite.
func TestSearchLogConformance(t *testing.T) {
	catalogtest.TestSearchLog(t, func(t *testing.T) catalog.SearchLog { return open(t) })
}

// TestSearchAnalyticsSurviveReopen: a store reopened keeps its counts.
func TestSearchAnalyticsSurviveReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	if err := s.AddSearchEvents(ctx, []catalog.SearchEvent{{At: at, Query: "chaise", Total: 12}, {At: at, Query: "chaise", Position: 2}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = boltstore.Open(path, boltstore.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.SearchStats(ctx, at, at)
	if err != nil {
		t.Fatal(err)
	}
	if got.Searches != 1 || len(got.Queries) != 1 || got.Queries[0] != (catalog.QueryStats{Query: "chaise", Searches: 1, Clicks: 1, LastTotal: 12}) ||
		len(got.Clicks) != 2 || got.Clicks[1] != 1 {
		t.Fatalf("after reopening: %+v", got)
	}
}

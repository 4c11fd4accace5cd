package boltstore_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestSearchAnalytics: events are counted per day and summed over the
// days of a period; clicks by position, filters by name, the last result
// count of each query; a store reopened keeps them.
func TestSearchAnalytics(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }
	batches := [][]catalog.SearchEvent{
		{
			{At: day(1, 9), Query: "chaise", Total: 12, Filters: []string{"brand"}},
			{At: day(1, 9), Query: "chaise", Position: 1},
			{At: day(1, 10), Query: "zorglub", Total: 0},
		},
		{
			{At: day(2, 9), Query: "chaise", Total: 10, Filters: []string{"brand", "category"}},
			{At: day(2, 9), Query: "chaise", Position: 3},
			{At: day(2, 11), Query: "zorglub", Total: 0},
			{At: day(2, 12), Query: "zorglub", Position: catalog.MaxClickPosition + 1}, // beyond: not counted
			{At: day(5, 9), Query: "table", Total: 4},                                  // outside the period
		},
	}
	for _, b := range batches {
		if err := s.AddSearchEvents(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = boltstore.Open(path, boltstore.Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.SearchStats(ctx, day(1, 0), day(2, 23))
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.SearchStats{
		Searches: 4, ZeroResults: 2,
		Queries: []catalog.QueryStats{
			{Query: "chaise", Searches: 2, Clicks: 2, LastTotal: 10},
			{Query: "zorglub", Searches: 2, ZeroResults: 2},
		},
		Clicks:  []int{1, 0, 1},
		Filters: map[string]int{"brand": 2, "category": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SearchStats =\n%+v\nwant\n%+v", got, want)
	}
	empty, err := s.SearchStats(ctx, day(20, 0), day(21, 0))
	if err != nil || empty.Searches != 0 || len(empty.Queries) != 0 || empty.Queries == nil {
		t.Fatalf("an empty period = %+v, %v", empty, err)
	}
}

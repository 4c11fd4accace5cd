package catalogtest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// NewSearchLog returns an empty catalog.SearchLog for one subtest.
type NewSearchLog func(t *testing.T) catalog.SearchLog

// TestSearchLog runs the catalog.SearchLog suite: the embedded store and
// the DynamoDB table keep the same counts.
func TestSearchLog(t *testing.T, newLog NewSearchLog) {
	for _, c := range []struct {
		name string
		fn   func(context.Context, *testing.T, catalog.SearchLog)
	}{
		{"CountsPerDaySummedOverPeriod", searchLogCountsPerDay},
		{"EmptyPeriod", searchLogEmptyPeriod},
		{"PeriodAcrossMonths", searchLogAcrossMonths},
		{"LastTotalIsTheLatestSearchWhateverTheOrder", searchLogLastTotal},
		{"LargeBatchOfDistinctQueries", searchLogLargeBatch},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.fn(t.Context(), t, newLog(t))
		})
	}
}

func day(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, time.UTC) }

func addEvents(ctx context.Context, t *testing.T, l catalog.SearchLog, batches ...[]catalog.SearchEvent) {
	t.Helper()
	for _, b := range batches {
		if err := l.AddSearchEvents(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
}

func stats(ctx context.Context, t *testing.T, l catalog.SearchLog, from, to time.Time) catalog.SearchStats {
	t.Helper()
	got, err := l.SearchStats(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// searchLogCountsPerDay: events are counted per day and summed over the
// days of a period; clicks by position, filters by name, the last result
// count of each query; events outside the period and clicks beyond
// MaxClickPosition are not counted.
func searchLogCountsPerDay(ctx context.Context, t *testing.T, l catalog.SearchLog) {
	addEvents(ctx, t, l, []catalog.SearchEvent{
		{At: day(1, 9), Query: "chaise", Total: 12, Filters: []string{"brand"}},
		{At: day(1, 9), Query: "chaise", Position: 1},
		{At: day(1, 10), Query: "zorglub", Total: 0},
	}, []catalog.SearchEvent{
		{At: day(2, 9), Query: "chaise", Total: 10, Filters: []string{"brand", "category"}},
		{At: day(2, 9), Query: "chaise", Position: 3},
		{At: day(2, 11), Query: "zorglub", Total: 0},
		{At: day(2, 12), Query: "zorglub", Position: catalog.MaxClickPosition + 1}, // beyond: not counted
		{At: day(2, 13), Query: "table", Position: catalog.MaxClickPosition},
		{At: day(5, 9), Query: "table", Total: 4}, // outside the period
	})
	clicks := make([]int, catalog.MaxClickPosition)
	clicks[0], clicks[2], clicks[catalog.MaxClickPosition-1] = 1, 1, 1
	want := catalog.SearchStats{
		Searches: 4, ZeroResults: 2,
		Queries: []catalog.QueryStats{
			{Query: "chaise", Searches: 2, Clicks: 2, LastTotal: 10},
			{Query: "zorglub", Searches: 2, ZeroResults: 2},
			{Query: "table", Clicks: 1},
		},
		Clicks:  clicks,
		Filters: map[string]int{"brand": 2, "category": 1},
	}
	if got := stats(ctx, t, l, day(1, 0), day(2, 23)); !reflect.DeepEqual(got, want) {
		t.Fatalf("SearchStats =\n%+v\nwant\n%+v", got, want)
	}
	// A period inside one day, given as times: the whole day counts.
	one := stats(ctx, t, l, day(5, 12), day(5, 12))
	if one.Searches != 1 || len(one.Queries) != 1 || one.Queries[0] != (catalog.QueryStats{Query: "table", Searches: 1, LastTotal: 4}) {
		t.Fatalf("SearchStats of day 5 = %+v", one)
	}
}

// searchLogEmptyPeriod: a period without events answers zero counts and
// empty (not nil) lists and map.
func searchLogEmptyPeriod(ctx context.Context, t *testing.T, l catalog.SearchLog) {
	addEvents(ctx, t, l, []catalog.SearchEvent{{At: day(1, 9), Query: "chaise", Total: 3}})
	empty := stats(ctx, t, l, day(20, 0), day(21, 0))
	if empty.Searches != 0 || empty.Queries == nil || len(empty.Queries) != 0 || empty.Clicks == nil || empty.Filters == nil {
		t.Fatalf("an empty period = %+v", empty)
	}
	if err := l.AddSearchEvents(ctx, nil); err != nil {
		t.Fatalf("AddSearchEvents(nil) = %v", err)
	}
}

// searchLogAcrossMonths: a period over the turn of a month and of a year
// sums the days on both sides, and only those.
func searchLogAcrossMonths(ctx context.Context, t *testing.T, l catalog.SearchLog) {
	at := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 8, 0, 0, 0, time.UTC) }
	addEvents(ctx, t, l, []catalog.SearchEvent{
		{At: at(2026, 10, 30), Query: "lampe", Total: 1}, // before
		{At: at(2026, 10, 31), Query: "lampe", Total: 2},
		{At: at(2026, 11, 1), Query: "lampe", Total: 3},
		{At: at(2026, 12, 31), Query: "lampe", Total: 4},
		{At: at(2027, 1, 1), Query: "lampe", Total: 5},
		{At: at(2027, 1, 2), Query: "lampe", Total: 6}, // after
	})
	got := stats(ctx, t, l, at(2026, 10, 31), at(2027, 1, 1))
	want := []catalog.QueryStats{{Query: "lampe", Searches: 4, LastTotal: 5}}
	if got.Searches != 4 || !reflect.DeepEqual(got.Queries, want) {
		t.Fatalf("SearchStats over two turns of month = %+v, want 4 searches, %+v", got, want)
	}
}

// searchLogLastTotal: a query's last total is that of its latest search,
// even when an older search is counted after it (a late batch).
func searchLogLastTotal(ctx context.Context, t *testing.T, l catalog.SearchLog) {
	addEvents(ctx, t, l,
		[]catalog.SearchEvent{{At: day(3, 12), Query: "bureau", Total: 7}},
		[]catalog.SearchEvent{{At: day(3, 9), Query: "bureau", Total: 1}, {At: day(3, 10), Query: "bureau", Position: 2}},
		[]catalog.SearchEvent{{At: day(2, 9), Query: "bureau", Total: 2}},
	)
	got := stats(ctx, t, l, day(1, 0), day(3, 23))
	want := []catalog.QueryStats{{Query: "bureau", Searches: 3, Clicks: 1, LastTotal: 7}}
	if !reflect.DeepEqual(got.Queries, want) {
		t.Fatalf("Queries = %+v, want %+v", got.Queries, want)
	}
}

// searchLogLargeBatch: one batch with more distinct queries (and days)
// than any backend writes in one request is counted whole.
func searchLogLargeBatch(ctx context.Context, t *testing.T, l catalog.SearchLog) {
	var batch []catalog.SearchEvent
	const queries = 260
	for i := range queries {
		at := day(1+i%3, 9)
		batch = append(batch,
			catalog.SearchEvent{At: at, Query: fmt.Sprintf("requete %03d", i), Total: i % 5, Filters: []string{"brand"}},
			catalog.SearchEvent{At: at, Query: fmt.Sprintf("requete %03d", i), Position: 1 + i%catalog.MaxClickPosition})
	}
	addEvents(ctx, t, l, batch)
	got := stats(ctx, t, l, day(1, 0), day(3, 23))
	zero := 0
	for i := range queries {
		if i%5 == 0 {
			zero++
		}
	}
	if got.Searches != queries || got.ZeroResults != zero || len(got.Queries) != queries || got.Filters["brand"] != queries {
		t.Fatalf("a batch of %d queries: searches %d, zero %d, queries %d, filters %v", queries, got.Searches, got.ZeroResults, len(got.Queries), got.Filters)
	}
	clicks := 0
	for _, n := range got.Clicks {
		clicks += n
	}
	if clicks != queries || len(got.Clicks) != catalog.MaxClickPosition {
		t.Fatalf("clicks %d over %d positions, want %d over %d", clicks, len(got.Clicks), queries, catalog.MaxClickPosition)
	}
	for _, q := range got.Queries {
		if q.Searches != 1 || q.Clicks != 1 {
			t.Fatalf("query %+v, want one search and one click", q)
		}
	}
}

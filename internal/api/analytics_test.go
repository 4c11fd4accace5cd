package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestBatcherWritesOnClose: events recorded are counted into the search
// log by the batcher, at the latest when it closes (an hour's interval
// here, so the write is Close's).
func TestBatcherWritesOnClose(t *testing.T) {
	store := newStore(t)
	b := api.NewBatcher(store, time.Hour, nil)
	at := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	for _, ev := range []catalog.SearchEvent{
		{At: at, Query: "chaise", Total: 3}, {At: at, Query: "chaise", Position: 2}, {At: at, Query: "zorglub"},
	} {
		b.Record(ev)
	}
	b.Close()
	st, err := store.SearchStats(context.Background(), at, at)
	if err != nil || st.Searches != 2 || st.ZeroResults != 1 || len(st.Clicks) != 2 || st.Clicks[1] != 1 {
		t.Fatalf("SearchStats = %+v, %v", st, err)
	}
}

// TestLogRecorderLine: on AWS an event is one JSON log line with the
// message a log subscription filters on, and nothing else about the
// buyer.
func TestLogRecorderLine(t *testing.T) {
	var buf bytes.Buffer
	rec := api.LogRecorder{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	rec.Record(catalog.SearchEvent{Query: "chaise", Total: 3, Filters: []string{"brand"}})
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	delete(line, "time")
	delete(line, "level")
	want := map[string]any{"msg": api.AnalyticsMessage, "q": "chaise", "total": 3.0, "position": 0.0, "filters": []any{"brand"}}
	if len(line) != len(want) || line["msg"] != want["msg"] || line["q"] != "chaise" || line["total"] != 3.0 {
		t.Fatalf("line = %v", line)
	}
}

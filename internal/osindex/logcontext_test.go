package osindex_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// requestKey stands for the Lambda request id in the context (the JSON
// logger of internal/awslambda reads it from there).
type requestKey struct{}

// ctxRecorder is a slog.Handler that records, for each line, the request
// id of the context it was logged with and its attribute keys.
type ctxRecorder struct {
	mu    *sync.Mutex
	lines *[]recordedLine
}

type recordedLine struct {
	request string
	keys    []string
}

func (h ctxRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h ctxRecorder) Handle(ctx context.Context, r slog.Record) error {
	id, _ := ctx.Value(requestKey{}).(string)
	var keys []string
	r.Attrs(func(a slog.Attr) bool { keys = append(keys, a.Key); return true })
	h.mu.Lock()
	*h.lines = append(*h.lines, recordedLine{id, keys})
	h.mu.Unlock()
	return nil
}
func (h ctxRecorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h ctxRecorder) WithGroup(string) slog.Handler      { return h }

// TestLogsCarryTheRequest: every line the adapter logs about a failed call
// is logged with the caller's context (so the Lambda request id is on it)
// and names the error under one key, "err".
func TestLogsCarryTheRequest(t *testing.T) {
	var lines []recordedLine
	logger := slog.New(ctxRecorder{mu: &sync.Mutex{}, lines: &lines})
	x, _ := newFake(t, func(int, string) (int, string) {
		return 400, `{"error":{"type":"engine_detail","reason":"raw engine text"}}`
	}, osindex.Config{Logger: logger})
	ctx := context.WithValue(context.Background(), requestKey{}, "req-42")
	if err := x.Upsert(ctx, indextest.Fixture()[:1]); catalog.CodeOf(err) != catalog.CodeInternal {
		t.Fatalf("Upsert = %v, want an internal error", err)
	}
	if _, err := x.Search(ctx, catalog.Query{Text: "chaise"}); catalog.CodeOf(err) != catalog.CodeInternal {
		t.Fatalf("Search = %v, want an internal error", err)
	}
	if len(lines) < 2 {
		t.Fatalf("%d lines logged, want one per failed call", len(lines))
	}
	for i, l := range lines {
		hasErr := false
		for _, k := range l.keys {
			if k == "error" {
				t.Errorf("line %d names its error %q, not err", i, k)
			}
			hasErr = hasErr || k == "err"
		}
		if l.request != "req-42" || !hasErr {
			t.Errorf("line %d: request %q, keys %v; want the request id and an err", i, l.request, l.keys)
		}
	}
}

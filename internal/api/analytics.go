package api

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Search analytics. Every first page of a search with text is one event
// (the normalised text, the result count, the names of the filters used),
// and the site reports a click on a result with POST /v1/search/clicks
// (the text and the result's position). Events go to Deps.Recorder, which
// never blocks the search: locally a Batcher counts them into the store
// once a second; on AWS a LogRecorder writes each as one log line, which
// the log subscription aggregates (docs/architecture.md).

// Recorder takes the analytics events of the API. Record must not block.
type Recorder interface {
	Record(ev catalog.SearchEvent)
}

// AnalyticsMessage is the message of a LogRecorder's lines, which a log
// subscription filters on.
const AnalyticsMessage = contract.SearchEventMessage

// LogRecorder writes each event as one structured log line (JSON on
// AWS): {"msg":"search_event","q":...,"total":...,"filters":[...],
// "position":...}.
type LogRecorder struct {
	Logger *slog.Logger
}

// Record implements Recorder.
func (l LogRecorder) Record(ev catalog.SearchEvent) {
	attrs := []any{"q", ev.Query, "total", ev.Total, "position", ev.Position}
	if len(ev.Filters) > 0 {
		attrs = append(attrs, "filters", ev.Filters)
	}
	l.Logger.Info(AnalyticsMessage, attrs...)
}

// Batcher queues events and counts them into a catalog.SearchLog in one
// write per interval (or per batchSize events): a search never waits for
// the store. When the queue is full (the store is slower than the
// searches for long), events are dropped and the drops logged.
type Batcher struct {
	log      catalog.SearchLog
	logger   *slog.Logger
	events   chan catalog.SearchEvent
	interval time.Duration
	done     chan struct{}
	once     sync.Once
	dropped  int64
	mu       sync.Mutex // guards dropped
}

// Batcher sizes.
const (
	batchQueue = 4096
	batchSize  = 512
)

// NewBatcher starts a Batcher writing to log every interval; Close
// flushes and stops it.
func NewBatcher(log catalog.SearchLog, interval time.Duration, logger *slog.Logger) *Batcher {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Batcher{log: log, logger: logger, events: make(chan catalog.SearchEvent, batchQueue), interval: interval, done: make(chan struct{})}
	go b.run()
	return b
}

// Record implements Recorder.
func (b *Batcher) Record(ev catalog.SearchEvent) {
	select {
	case b.events <- ev:
	default:
		b.mu.Lock()
		b.dropped++
		b.mu.Unlock()
	}
}

// Close writes the queued events and stops the batcher; Record must not be
// called after.
func (b *Batcher) Close() {
	b.once.Do(func() { close(b.events) })
	<-b.done
}

func (b *Batcher) run() {
	defer close(b.done)
	tick := time.NewTicker(b.interval)
	defer tick.Stop()
	var batch []catalog.SearchEvent
	flush := func() {
		b.mu.Lock()
		dropped := b.dropped
		b.dropped = 0
		b.mu.Unlock()
		if dropped > 0 {
			b.logger.Warn("search analytics: queue full, events dropped", "dropped", dropped)
		}
		if len(batch) == 0 {
			return
		}
		if err := b.log.AddSearchEvents(context.Background(), batch); err != nil {
			b.logger.Error("search analytics: write failed", "events", len(batch), "err", err.Error())
		}
		batch = batch[:0]
	}
	for {
		select {
		case ev, ok := <-b.events:
			if !ok {
				flush()
				return
			}
			batch = append(batch, ev)
			if len(batch) >= batchSize {
				flush()
			}
		case <-tick.C:
			flush()
		}
	}
}

// recordSearch records the first page of a search with text.
func (a *API) recordSearch(q catalog.Query, total int) {
	if a.deps.Recorder == nil || q.Page != 1 || q.Cursor != "" {
		return
	}
	text := search.AnalyticsQuery(q.Text)
	if text == "" {
		return
	}
	a.deps.Recorder.Record(catalog.SearchEvent{At: a.deps.Clock().UTC(), Query: text, Total: total, Filters: filterNames(q.Filters)})
}

// filterNames names the filters of f that are set (never their values).
func filterNames(f catalog.Filters) []string {
	var out []string
	for _, c := range []struct {
		name string
		set  bool
	}{
		{catalog.FacetPartner, len(f.Partners) > 0}, {catalog.FacetBrand, len(f.Brands) > 0},
		{catalog.FacetCategory, len(f.Categories) > 0}, {catalog.FacetPrice, f.PriceMin != nil || f.PriceMax != nil},
		{catalog.FacetCurrency, f.Currency != ""}, {catalog.FacetGrade, len(f.Grades) > 0},
		{"offer_key", len(f.OfferKeys) > 0}, {"attr", len(f.Attributes) > 0},
	} {
		if c.set {
			out = append(out, c.name)
		}
	}
	return out
}

// clickBody is the body of POST /v1/search/clicks.
type clickBody struct {
	Query    *string `json:"q"`
	Position int     `json:"position"`
}

// click is POST /v1/search/clicks: a click on the result at position of
// the search for q. 204; nothing is recorded where no recorder is set or
// where q holds no text.
func (a *API) click(w http.ResponseWriter, r *http.Request) error {
	var body clickBody
	dec := json.NewDecoder(io.LimitReader(r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return catalog.Errorf(catalog.CodeInvalid, "the body must be JSON {\"q\": ..., \"position\": 1-%d}", catalog.MaxClickPosition)
	}
	if body.Position < 1 || body.Position > catalog.MaxClickPosition {
		return catalog.Errorf(catalog.CodeInvalid, "position must be between 1 and %d", catalog.MaxClickPosition)
	}
	if body.Query == nil {
		return catalog.Errorf(catalog.CodeInvalid, "q must be a string (the text of the search)")
	}
	if utf8.RuneCountInString(*body.Query) > catalog.MaxQueryLength {
		return catalog.Errorf(catalog.CodeInvalid, "q is longer than %d characters", catalog.MaxQueryLength)
	}
	// A click on a search without text (browsing) is not counted, like the
	// search itself.
	text := search.AnalyticsQuery(*body.Query)
	if text != "" && a.deps.Recorder != nil {
		a.deps.Recorder.Record(catalog.SearchEvent{At: a.deps.Clock().UTC(), Query: text, Position: body.Position})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

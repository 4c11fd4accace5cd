package awslambda

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/emf"
)

// SearchEventsHandler is the analytics Lambda's handler. CloudWatch Logs
// sends it the api Lambda's search_event lines (api.LogRecorder, written
// by NewLogger's JSON handler) through a subscription filter on the api
// function's log group; it counts them into the table in one
// AddSearchEvents per invocation. The search never waits for any of it.
type SearchEventsHandler struct {
	Log     catalog.SearchLog
	Metrics *emf.Writer  // nil = none
	Logger  *slog.Logger // nil = discard
}

// searchEventLine is a LogRecorder line as NewLogger writes it:
// {"time":...,"level":"INFO","msg":"search_event","q":...,"total":...,
// "position":...,"filters":[...],"request_id":...}.
type searchEventLine struct {
	Msg      string   `json:"msg"`
	Query    *string  `json:"q"`
	Total    *int     `json:"total"`
	Position *int     `json:"position"`
	Filters  []string `json:"filters"`
}

// maxEventQueryBytes bounds the text of a counted event: the API keeps at
// most 100 runes (search.AnalyticsQuery), 400 bytes of UTF-8.
const maxEventQueryBytes = 400

// parseSearchEvent reads one log event; ok is false when its message is
// not a search_event line the API could have written.
func parseSearchEvent(le events.CloudwatchLogsLogEvent) (catalog.SearchEvent, bool) {
	var l searchEventLine
	if err := json.Unmarshal([]byte(le.Message), &l); err != nil || l.Msg != api.AnalyticsMessage {
		return catalog.SearchEvent{}, false
	}
	if l.Query == nil || *l.Query == "" || len(*l.Query) > maxEventQueryBytes || !utf8.ValidString(*l.Query) ||
		l.Total == nil || *l.Total < 0 || l.Position == nil || *l.Position < 0 || *l.Position > catalog.MaxClickPosition {
		return catalog.SearchEvent{}, false
	}
	return catalog.SearchEvent{
		At: time.UnixMilli(le.Timestamp).UTC(), Query: *l.Query, Total: *l.Total, Position: *l.Position, Filters: l.Filters,
	}, true
}

// Handle counts the search events of one subscription delivery. A line
// that is not a search event (the filter pattern should let none through:
// a changed log format) is skipped and counted, never failing the batch;
// the skipped count is logged with a sample and emitted as
// contract.MetricSearchLinesSkipped, which the monitoring stack alarms
// on. An error of the table is returned, so that Lambda retries the
// delivery (the asynchronous invocation's retries).
func (h *SearchEventsHandler) Handle(ctx context.Context, ev events.CloudwatchLogsEvent) error {
	log := orDiscard(h.Logger)
	data, err := ev.AWSLogs.Parse()
	if err != nil {
		// Not a CloudWatch Logs delivery: a retry would fail the same way.
		log.ErrorContext(ctx, "search events: the payload is not a CloudWatch Logs delivery", "err", err.Error())
		return catalog.Wrap(catalog.CodeInvalid, err, "the payload is not a CloudWatch Logs delivery")
	}
	if data.MessageType != "DATA_MESSAGE" {
		// CONTROL_MESSAGE: CloudWatch Logs checking that the destination is reachable.
		log.InfoContext(ctx, "search events: control message", "type", data.MessageType)
		return nil
	}
	batch := make([]catalog.SearchEvent, 0, len(data.LogEvents))
	skipped, sample := 0, ""
	for _, le := range data.LogEvents {
		e, ok := parseSearchEvent(le)
		if !ok {
			if skipped++; sample == "" {
				sample = truncate(le.Message, 200)
			}
			continue
		}
		batch = append(batch, e)
	}
	if skipped > 0 {
		log.WarnContext(ctx, "search events: lines that are not search events were skipped", "skipped", skipped, "sample", sample,
			"log_group", data.LogGroup)
	}
	if err := h.Log.AddSearchEvents(ctx, batch); err != nil {
		log.ErrorContext(ctx, "search events: not counted; the delivery will be retried", "events", len(batch), "err", err.Error())
		return err
	}
	log.InfoContext(ctx, "search events counted", "events", len(batch), "skipped", skipped, "log_stream", data.LogStream)
	if err := h.Metrics.Emit(map[string]any{"request_id": RequestID(ctx)},
		emf.Metric{Name: contract.MetricSearchEvents, Unit: emf.UnitCount, Value: float64(len(batch))},
		emf.Metric{Name: contract.MetricSearchLinesSkipped, Unit: emf.UnitCount, Value: float64(skipped)}); err != nil {
		log.WarnContext(ctx, "metrics not written", "err", err.Error())
	}
	return nil
}

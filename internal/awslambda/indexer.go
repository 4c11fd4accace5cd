package awslambda

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/indexer"
)

// maxCatalogLookups bounds the GetCatalog calls one batch makes for the
// upload-to-searchable metric.
const maxCatalogLookups = 8

// StreamIndexer is the indexer Lambda's handler: DynamoDB Stream batch ->
// changes -> index, reporting partial batch failures.
type StreamIndexer struct {
	Index catalog.Index
	// Store, when set, is read for the receive time of the catalogs whose
	// products a batch indexes (the upload-to-searchable metric).
	Store   catalog.Store
	Logger  *slog.Logger
	Metrics *emf.Writer
	Clock   func() time.Time
}

// Handle applies a stream batch. Records are applied in one indexer.Apply
// (last change per product wins; the index's Version check makes a replay
// harmless). A record that cannot be read (a poison record) is logged and
// reported as the batch's failure, with everything else applied: Lambda
// then retries from it (bisecting the batch) until its retries run out and
// the on-failure destination receives it, so it never blocks the shard for
// the stream's whole retention. When the index refuses the batch, the
// first record is reported, so that the whole batch is retried.
func (h *StreamIndexer) Handle(ctx context.Context, e events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	log := orDiscard(h.Logger)
	now := orNow(h.Clock)
	resp := events.DynamoDBEventResponse{BatchItemFailures: []events.DynamoDBBatchItemFailure{}}
	if len(e.Records) == 0 {
		return resp, nil
	}
	changes := make([]catalog.Change, 0, len(e.Records))
	firstPoison := ""
	poison := 0
	var oldest time.Time
	for _, r := range e.Records {
		if t := r.Change.ApproximateCreationDateTime.Time; !t.IsZero() && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
		c, ok, err := dynamostore.ChangeOf(r)
		if err != nil {
			poison++
			log.ErrorContext(ctx, "poison stream record", "seq", r.Change.SequenceNumber, "event_id", r.EventID,
				"event", r.EventName, "err", err.Error())
			if firstPoison == "" {
				firstPoison = r.Change.SequenceNumber
			}
			continue
		}
		if ok {
			changes = append(changes, c)
		}
	}
	if err := indexer.Apply(ctx, h.Index, changes); err != nil {
		log.ErrorContext(ctx, "index batch failed; the batch will be retried", "records", len(e.Records), "err", err.Error())
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: e.Records[0].Change.SequenceNumber})
		return resp, nil
	}
	if firstPoison != "" {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: firstPoison})
	}
	log.InfoContext(ctx, "indexed stream batch", "records", len(e.Records), "changes", len(changes), "poison", poison)

	metrics := []emf.Metric{}
	if !oldest.IsZero() {
		metrics = append(metrics, emf.Metric{Name: contract.MetricIndexLag, Unit: emf.UnitMilliseconds, Value: float64(now().Sub(oldest).Milliseconds())})
	}
	if poison > 0 {
		metrics = append(metrics, emf.Metric{Name: contract.MetricPoisonRecords, Unit: emf.UnitCount, Value: float64(poison)})
	}
	if ms, ok := h.uploadToSearchable(ctx, changes, now()); ok {
		metrics = append(metrics, emf.Metric{Name: contract.MetricUploadToSearchable, Unit: emf.UnitMilliseconds, Value: ms})
	}
	if err := h.Metrics.Emit(map[string]any{"request_id": RequestID(ctx)}, metrics...); err != nil {
		log.WarnContext(ctx, "metrics not written", "err", err.Error())
	}
	return resp, nil
}

// uploadToSearchable returns the longest time from a catalog's arrival to
// now among the catalogs whose products the batch upserted.
func (h *StreamIndexer) uploadToSearchable(ctx context.Context, changes []catalog.Change, now time.Time) (float64, bool) {
	if h.Store == nil {
		return 0, false
	}
	seen := map[string]bool{}
	var longest time.Duration
	found := false
	for _, c := range changes {
		if c.Product == nil || c.Product.Source.CatalogID == "" || seen[c.Product.Source.CatalogID] || len(seen) >= maxCatalogLookups {
			continue
		}
		seen[c.Product.Source.CatalogID] = true
		cat, err := h.Store.GetCatalog(ctx, c.Product.Source.CatalogID)
		if err != nil || cat.ReceivedAt.IsZero() {
			continue
		}
		if d := now.Sub(cat.ReceivedAt); !found || d > longest {
			longest, found = d, true
		}
	}
	return float64(longest.Milliseconds()), found
}

package awslambda

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/emf"
)

// ImageRunQueue sends image runs to the images queue (a FIFO queue): the
// ingest Lambda's side of the images pipeline. One message per applied
// catalog, sent once the catalog is written (the products are searchable
// before their pictures are ready), never per product.
type ImageRunQueue struct {
	Queue    MessageSender
	QueueURL string
}

// Send queues a run of the image fetcher for c's partner, reporting on c,
// when c was applied (status done); it sends nothing for any other status.
// The message group is the partner, so a partner's runs never overlap; the
// deduplication id is the catalog, so a catalog sent again within SQS's
// five-minute window (a redelivered ingest message) is queued once. A
// failure is CodeUnavailable: the caller retries its own message.
func (q *ImageRunQueue) Send(ctx context.Context, c catalog.Catalog) error {
	if c.Status != catalog.StatusDone {
		return nil
	}
	body, err := json.Marshal(contract.ImagesMessage{Catalog: c.ID, Partner: c.Partner})
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "images message")
	}
	_, err = q.Queue.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:               aws.String(q.QueueURL),
		MessageBody:            aws.String(string(body)),
		MessageGroupId:         aws.String(c.Partner),
		MessageDeduplicationId: aws.String(c.ID),
	})
	if err != nil {
		return catalog.Wrap(catalog.CodeUnavailable, err, "the image run could not be queued")
	}
	return nil
}

// ImagesRunner is what the images queue's handler asks of the image
// fetcher (package images, wired by subpackage imagesfn).
type ImagesRunner interface {
	// RunCatalog runs the fetcher over the products of the partner of the
	// catalog id and records its report on that catalog; with refetch,
	// every URL is fetched again unconditionally.
	RunCatalog(ctx context.Context, id string, refetch bool) (catalog.ImageReport, error)
}

// ImagesQueueHandler is the images Lambda's handler: each message of the
// images queue (contract.ImagesMessage) is one run of the image fetcher.
// A run is idempotent: delivered twice, the second finds every product's
// pictures up to date and asks no server anything. Each run emits the
// URLs it settled and those that failed (contract.MetricImageURLs,
// MetricImageFailures), whose ratio the monitoring stack alarms on.
type ImagesQueueHandler struct {
	Runner  ImagesRunner
	Metrics *emf.Writer  // nil = none
	Logger  *slog.Logger // nil = discard
}

// Handle runs a batch. A message whose run failed for a reason a retry can
// fix (the table or the bucket unavailable) is reported in
// BatchItemFailures, with every message after it: the queue is FIFO, and
// Lambda must not run a later message of the group before it. A message
// that is not an images message is reported too, so that it ends in the
// dead-letter queue where a person sees it; a catalog that no longer
// exists is dropped.
func (h *ImagesQueueHandler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	log := orDiscard(h.Logger)
	var resp events.SQSEventResponse
	failing := false
	for _, msg := range ev.Records {
		if failing || !h.one(ctx, log.With("message_id", msg.MessageId), msg.Body) {
			failing = true
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
		}
	}
	return resp, nil
}

// one runs one message; it returns false when the message should be
// delivered again.
func (h *ImagesQueueHandler) one(ctx context.Context, log *slog.Logger, body string) bool {
	var m contract.ImagesMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil || m.Catalog == "" {
		log.ErrorContext(ctx, "message is not an images message", "body", truncate(body, 200))
		return false
	}
	rep, err := h.Runner.RunCatalog(ctx, m.Catalog, m.Refetch)
	switch catalog.CodeOf(err) {
	case "":
	case catalog.CodeNotFound, catalog.CodeInvalid:
		log.WarnContext(ctx, "image run dropped", "catalog", m.Catalog, "partner", m.Partner, "err", err.Error())
		return true
	default:
		log.ErrorContext(ctx, "image run failed; will retry", "catalog", m.Catalog, "partner", m.Partner, "err", err.Error())
		return false
	}
	log.InfoContext(ctx, "image run done", "catalog", m.Catalog, "partner", m.Partner, "refetch", m.Refetch, "products", rep.Products,
		"fetched", rep.Fetched, "failed", rep.Failed, "skipped", rep.Skipped)
	settled := rep.Fetched + rep.Revalidated + rep.Reused + rep.Failed
	if settled > 0 {
		err := h.Metrics.Emit(map[string]any{"request_id": RequestID(ctx), "catalog": m.Catalog, "partner": m.Partner},
			emf.Metric{Name: contract.MetricImageURLs, Unit: emf.UnitCount, Value: float64(settled)},
			emf.Metric{Name: contract.MetricImageFailures, Unit: emf.UnitCount, Value: float64(rep.Failed)})
		if err != nil {
			log.WarnContext(ctx, "metrics not written", "err", err.Error())
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

package awslambda

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// IngestService is what the ingest queue's handler asks of the ingest
// service (package ingest, wired by subpackage ingestfn: this package does
// not link the parsing pipeline).
type IngestService interface {
	// IngestKey ingests the file at key, under incoming/{partner}/.
	IngestKey(ctx context.Context, partner, key string) (catalog.Catalog, error)
	// Confirm applies a catalog held in needs_confirmation.
	Confirm(ctx context.Context, catalogID string, as catalog.Mode) (catalog.Catalog, error)
	// IngestChunk writes one chunk of a big catalog (the one writing the
	// last finishes the catalog); FailChunk ends the catalog of a chunk
	// that could not be written, failed.
	IngestChunk(ctx context.Context, ref contract.ChunkRef) (catalog.Catalog, error)
	FailChunk(ctx context.Context, ref contract.ChunkRef, cause error) (catalog.Catalog, error)
}

// IngestQueueHandler is the ingest Lambda's handler. SQS delivers S3 event
// notifications ("a file arrived under incoming/{partner}/"), each of
// which becomes an Ingest, the api Lambda's confirmations
// (contract.ConfirmMessage), each of which becomes a Confirm, and the
// chunks of big catalogs that ingest runs queue (contract.ChunkMessage),
// each of which becomes an IngestChunk. Failures that
// a retry can fix are reported per message (partial batch response), so
// SQS redelivers only those, and after its maxReceiveCount moves them to
// the dead-letter queue.
type IngestQueueHandler struct {
	Service IngestService
	Logger  *slog.Logger // nil = discard
	// MaxReceives is the queue's maxReceiveCount: a chunk that fails on
	// its last receive ends its catalog failed (FailChunk) rather than
	// leaving it processing while the message goes to the dead-letter
	// queue. 0: a failed chunk is always retried.
	MaxReceives int
}

// s3TestEvent is what S3 sends once when a notification is configured.
type s3TestEvent struct {
	Event string `json:"Event"`
}

// confirmProbe tells a confirmation or a chunk from an S3 notification:
// only they have the fields (pointers, so that an empty one is seen).
type confirmProbe struct {
	ConfirmCatalog *string            `json:"confirm_catalog"`
	Mode           string             `json:"mode"`
	IngestChunk    *contract.ChunkRef `json:"ingest_chunk"`
}

// Handle processes a batch. It never returns an error for one message: a
// message that should be retried is listed in BatchItemFailures; one that
// never can succeed (a key outside incoming/, a deleted file, a partner id
// that is not valid, a confirmation that no longer holds) is logged and
// dropped.
func (h *IngestQueueHandler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	log := orDiscard(h.Logger)
	var resp events.SQSEventResponse
	fail := func(id string) {
		resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: id})
	}
	for _, msg := range ev.Records {
		mlog := log.With("message_id", msg.MessageId)
		var test s3TestEvent
		if json.Unmarshal([]byte(msg.Body), &test) == nil && test.Event == "s3:TestEvent" {
			mlog.InfoContext(ctx, "ignoring S3 test event")
			continue
		}
		var probe confirmProbe
		probed := json.Unmarshal([]byte(msg.Body), &probe) == nil
		if probed && probe.IngestChunk != nil {
			receives, _ := strconv.Atoi(msg.Attributes["ApproximateReceiveCount"])
			if !h.chunk(ctx, mlog, *probe.IngestChunk, receives) {
				fail(msg.MessageId)
			}
			continue
		}
		if probed && probe.ConfirmCatalog != nil {
			if !h.confirm(ctx, mlog, *probe.ConfirmCatalog, catalog.Mode(probe.Mode)) {
				fail(msg.MessageId)
			}
			continue
		}
		var s3ev events.S3Event
		if err := json.Unmarshal([]byte(msg.Body), &s3ev); err != nil {
			// Left for the dead-letter queue, where a person can see it.
			mlog.ErrorContext(ctx, "message is not an S3 event notification", "err", err.Error())
			fail(msg.MessageId)
			continue
		}
		if len(s3ev.Records) == 0 {
			mlog.WarnContext(ctx, "S3 event with no records")
			continue
		}
		failed := false
		for _, rec := range s3ev.Records {
			if !strings.HasPrefix(rec.EventName, "ObjectCreated:") {
				mlog.InfoContext(ctx, "ignoring S3 event", "event", rec.EventName)
				continue
			}
			if !h.ingestKey(ctx, mlog, rec.S3.Object.URLDecodedKey) {
				failed = true
			}
		}
		if failed {
			fail(msg.MessageId)
		}
	}
	return resp, nil
}

// ingestKey ingests one object; it returns false when the message should
// be retried.
func (h *IngestQueueHandler) ingestKey(ctx context.Context, log *slog.Logger, key string) bool {
	partner, _, ok := intake.SplitIncomingKey(key)
	if !ok {
		log.WarnContext(ctx, "ignoring object outside incoming/{partner}/", "key", key)
		return true
	}
	c, err := h.Service.IngestKey(ctx, partner, key)
	switch catalog.CodeOf(err) {
	case "":
	case catalog.CodeInvalid, catalog.CodeNotFound:
		log.WarnContext(ctx, "file cannot be ingested", "key", key, "err", err.Error())
		return true
	default:
		log.ErrorContext(ctx, "ingest failed; will retry", "key", key, "err", err.Error())
		return false
	}
	if c.Status == catalog.StatusProcessing && c.Progress != nil {
		// Read, and its chunks queued: they finish it.
		log.InfoContext(ctx, "file read; its chunks are queued", "catalog", c.ID, "chunks", c.Progress.ChunksTotal)
		return true
	}
	if c.Status == catalog.StatusProcessing || c.Status == catalog.StatusReceived {
		// Another delivery of the same event is ingesting it now: come
		// back later to see it finished.
		log.InfoContext(ctx, "file being ingested by another delivery; will check again", "catalog", c.ID)
		return false
	}
	return true
}

// confirm applies a held catalog; it returns false when the message should
// be retried. A confirmation that no longer holds (the catalog is unknown,
// already applied or being applied by another delivery, a newer file
// arrived, the file is gone) is dropped: a retry could not change that.
func (h *IngestQueueHandler) confirm(ctx context.Context, log *slog.Logger, id string, as catalog.Mode) bool {
	if id == "" {
		log.WarnContext(ctx, "ignoring confirmation without a catalog id")
		return true
	}
	c, err := h.Service.Confirm(ctx, id, as)
	switch catalog.CodeOf(err) {
	case "":
		log.InfoContext(ctx, "catalog confirmed", "catalog", c.ID, "status", string(c.Status))
		return true
	case catalog.CodeConflict, catalog.CodeNotFound, catalog.CodeInvalid:
		log.WarnContext(ctx, "confirmation dropped", "catalog", id, "err", err.Error())
		return true
	default:
		log.ErrorContext(ctx, "confirmation failed; will retry", "catalog", id, "err", err.Error())
		return false
	}
}

// chunk writes one chunk of a big catalog; it returns false when the
// message should be retried. A chunk that cannot be written on its last
// receive (h.MaxReceives) ends its catalog failed, with the reason, and is
// not retried.
func (h *IngestQueueHandler) chunk(ctx context.Context, log *slog.Logger, ref contract.ChunkRef, receives int) bool {
	log = log.With("catalog", ref.Catalog, "chunk", ref.Chunk, "chunks", ref.Chunks)
	c, err := h.Service.IngestChunk(ctx, ref)
	switch catalog.CodeOf(err) {
	case "":
		if c.Status != catalog.StatusProcessing {
			log.InfoContext(ctx, "catalog finished", "status", string(c.Status))
		}
		return true
	case catalog.CodeNotFound, catalog.CodeInvalid:
		log.WarnContext(ctx, "chunk dropped", "err", err.Error())
		return true
	}
	if h.MaxReceives == 0 || receives < h.MaxReceives {
		log.ErrorContext(ctx, "chunk failed; will retry", "receives", receives, "err", err.Error())
		return false
	}
	failed, ferr := h.Service.FailChunk(ctx, ref, err)
	if ferr != nil {
		log.ErrorContext(ctx, "chunk failed for the last time; the catalog could not be marked failed", "err", err.Error(), "mark_err", ferr.Error())
		return false
	}
	log.ErrorContext(ctx, "chunk failed for the last time; catalog failed", "receives", receives, "status", string(failed.Status), "err", err.Error())
	return true
}

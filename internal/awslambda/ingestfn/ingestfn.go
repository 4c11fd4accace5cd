// Package ingestfn is the ingest Lambda's wiring, not an event adapter: it
// builds the ingest service on the AWS adapters and puts it behind
// awslambda.IngestQueueHandler (the event adapter, with every other one in
// package awslambda), which takes S3 notifications of new files and the
// api Lambda's confirmations off the ingest queue. It is apart from
// package awslambda so that the other Lambdas (the api Lambda above all)
// do not link the parsing pipeline.
package ingestfn

import (
	"context"
	"io"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// Run serves SQS batches of the ingest queue (S3 notifications and
// confirmations) with the ingest package's handler; it returns only when
// the handler cannot be built.
func Run(ctx context.Context, cfg awslambda.Config, logs, metrics io.Writer) error {
	env, err := awslambda.NewEnv(ctx, cfg, logs, metrics)
	if err != nil {
		return err
	}
	store, err := env.BulkStore()
	if err != nil {
		return err
	}
	blobs, err := env.Blobs()
	if err != nil {
		return err
	}
	imagesQueue, err := env.ImagesQueue()
	if err != nil {
		return err
	}
	deps := ingest.Deps{Store: &ReportMetrics{Store: store, Metrics: env.Metrics, Logger: env.Logger}, Blobs: blobs, Logger: env.Logger}
	if n := env.Config.IngestChunkProducts; n > 0 {
		chunks, err := env.ChunkQueue()
		if err != nil {
			return err
		}
		deps.ChunkProducts, deps.Chunks, deps.Ledger = n, chunks, store
	}
	svc := ingest.New(deps)
	h := &awslambda.IngestQueueHandler{Service: Service{Service: svc, Images: imagesQueue, Store: store}, Logger: env.Logger,
		MaxReceives: env.Config.IngestMaxReceives}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// ImageRuns queues the image runs of applied catalogs
// (awslambda.ImageRunQueue).
type ImageRuns interface {
	Send(ctx context.Context, c catalog.Catalog) error
}

// Service is the ingest service as awslambda.IngestQueueHandler asks for
// it. With Images, every applied catalog (status done) queues one image
// run for its partner once it is written, outside the row loop: its
// products are searchable before their pictures are ready.
type Service struct {
	*ingest.Service
	Images ImageRuns     // nil: no image runs
	Store  catalog.Store // reads a confirmed catalog again (required with Images)
}

// IngestKey ingests the file at key (under incoming/{partner}/) and queues
// the image run of the catalog when it was applied. A redelivered message
// of a file already ingested finds its catalog done and queues the run
// again (the queue drops the copy; a run twice costs nothing), so an image
// run whose sending failed is sent on the retry. A failure to queue is
// CodeUnavailable: the ingest message is retried.
func (s Service) IngestKey(ctx context.Context, partner, key string) (catalog.Catalog, error) {
	c, err := s.Ingest(ctx, ingest.Request{Partner: partner, Key: key})
	if err != nil || s.Images == nil {
		return c, err
	}
	return c, s.Images.Send(ctx, c)
}

// IngestChunk writes one chunk of a big catalog and, when that finished
// the catalog applied, queues its image run.
func (s Service) IngestChunk(ctx context.Context, ref contract.ChunkRef) (catalog.Catalog, error) {
	c, err := s.Service.IngestChunk(ctx, ref)
	if err != nil || s.Images == nil {
		return c, err
	}
	return c, s.Images.Send(ctx, c)
}

// Confirm applies a held catalog and queues its image run. A confirmation
// delivered again after the catalog was applied (CodeConflict) queues the
// run again when the catalog has no images report yet, so a run whose
// sending failed is not lost.
func (s Service) Confirm(ctx context.Context, catalogID string, as catalog.Mode) (catalog.Catalog, error) {
	c, err := s.Service.Confirm(ctx, catalogID, as)
	if s.Images == nil {
		return c, err
	}
	if catalog.CodeOf(err) == catalog.CodeConflict && s.Store != nil {
		cur, gerr := s.Store.GetCatalog(ctx, catalogID)
		if gerr == nil && cur.Status == catalog.StatusDone && cur.Images == nil {
			if serr := s.Images.Send(ctx, cur); serr != nil {
				return cur, serr
			}
		}
		return c, err
	}
	if err != nil {
		return c, err
	}
	return c, s.Images.Send(ctx, c)
}

// ReportMetrics is a catalog.Store that emits the rows accepted and
// rejected of every finished report it stores, as EMF lines, so the ingest
// handler needs no metrics code of its own.
type ReportMetrics struct {
	catalog.Store
	Metrics *emf.Writer
	Logger  *slog.Logger
}

// PutCatalog stores c, then emits its report's row counts when it is final.
func (s *ReportMetrics) PutCatalog(ctx context.Context, c catalog.Catalog) error {
	if err := s.Store.PutCatalog(ctx, c); err != nil {
		return err
	}
	s.emit(ctx, c)
	return nil
}

// SwapCatalog swaps prev for c (the run that finishes a catalog written in
// chunks does), then emits c's row counts when it is final.
func (s *ReportMetrics) SwapCatalog(ctx context.Context, prev, c catalog.Catalog) error {
	if err := s.Store.SwapCatalog(ctx, prev, c); err != nil {
		return err
	}
	s.emit(ctx, c)
	return nil
}

func (s *ReportMetrics) emit(ctx context.Context, c catalog.Catalog) {
	if r := c.Report; r != nil && !r.DryRun && (c.Status == catalog.StatusDone || c.Status == catalog.StatusRefused || c.Status == catalog.StatusNeedsConfirmation) {
		err := s.Metrics.Emit(map[string]any{"request_id": awslambda.RequestID(ctx), "catalog": c.ID, "partner": c.Partner, "status": string(c.Status)},
			emf.Metric{Name: contract.MetricRowsAccepted, Unit: emf.UnitCount, Value: float64(r.Accepted)},
			emf.Metric{Name: contract.MetricRowsRejected, Unit: emf.UnitCount, Value: float64(r.Rejected)})
		if err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "metrics not written", "err", err.Error())
		}
	}
}

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
	store, err := env.Store()
	if err != nil {
		return err
	}
	blobs, err := env.Blobs()
	if err != nil {
		return err
	}
	svc := ingest.New(ingest.Deps{Store: &ReportMetrics{Store: store, Metrics: env.Metrics, Logger: env.Logger}, Blobs: blobs, Logger: env.Logger})
	h := &awslambda.IngestQueueHandler{Service: Service{Service: svc}, Logger: env.Logger}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// Service is the ingest service as awslambda.IngestQueueHandler asks for
// it.
type Service struct{ *ingest.Service }

// IngestKey ingests the file at key (under incoming/{partner}/).
func (s Service) IngestKey(ctx context.Context, partner, key string) (catalog.Catalog, error) {
	return s.Ingest(ctx, ingest.Request{Partner: partner, Key: key})
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
	if r := c.Report; r != nil && !r.DryRun && (c.Status == catalog.StatusDone || c.Status == catalog.StatusRefused || c.Status == catalog.StatusNeedsConfirmation) {
		err := s.Metrics.Emit(map[string]any{"request_id": awslambda.RequestID(ctx), "catalog": c.ID, "partner": c.Partner, "status": string(c.Status)},
			emf.Metric{Name: contract.MetricRowsAccepted, Unit: emf.UnitCount, Value: float64(r.Accepted)},
			emf.Metric{Name: contract.MetricRowsRejected, Unit: emf.UnitCount, Value: float64(r.Rejected)})
		if err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "metrics not written", "err", err.Error())
		}
	}
	return nil
}

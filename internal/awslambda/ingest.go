package awslambda

import (
	"context"
	"io"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// RunIngest serves SQS batches of S3 notifications with the ingest
// package's handler.
func RunIngest(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	a, err := open(ctx, cfg, logs, metrics, true, noIndex)
	if err != nil {
		return err
	}
	svc := ingest.New(ingest.Deps{Store: &ReportMetrics{Store: a.store, Metrics: a.env.Metrics, Logger: a.env.Logger}, Blobs: a.blobs, Logger: a.env.Logger})
	h := &ingest.SQSHandler{Service: svc, Logger: a.env.Logger}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
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
		err := s.Metrics.Emit(map[string]any{"request_id": RequestID(ctx), "catalog": c.ID, "partner": c.Partner, "status": string(c.Status)},
			emf.Metric{Name: contract.MetricRowsAccepted, Unit: emf.UnitCount, Value: float64(r.Accepted)},
			emf.Metric{Name: contract.MetricRowsRejected, Unit: emf.UnitCount, Value: float64(r.Rejected)})
		if err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "metrics not written", "error", err.Error())
		}
	}
	return nil
}

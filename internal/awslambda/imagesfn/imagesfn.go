// Package imagesfn is the images Lambda's wiring: it builds the image
// fetcher (package images) on the AWS adapters and puts it behind
// awslambda.ImagesQueueHandler, which takes the ingest Lambda's image runs
// off the images queue. It is apart from package awslambda so that the
// other Lambdas do not link the image decoders.
package imagesfn

import (
	"context"
	"io"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// Run serves SQS batches of the images queue; it returns only when the
// handler cannot be built.
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
	// Loopback stays refused unless a test named its servers
	// (contract.EnvTestImageHosts, which no stack sets).
	fetcher := images.NewFetcher(images.FetchOptions{Allow: cfg.TestImageHosts})
	svc := images.New(images.Deps{Store: store, Blobs: blobs, Fetcher: fetcher, Logger: env.Logger})
	h := &awslambda.ImagesQueueHandler{Runner: Runner{Service: svc}, Metrics: env.Metrics, Logger: env.Logger}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// Margin is the time a run leaves before the Lambda's deadline to write
// what it fetched and record its report.
const Margin = 45 * time.Second

// Runner is the image fetcher as awslambda.ImagesQueueHandler asks for
// it: one run per message, whose time budget ends Margin before the
// invocation's deadline (what it had no time for is left for the next
// run, and listed as skipped in the report).
type Runner struct {
	Service *images.Service
	Options images.Options // the defaults when zero; MaxDuration is set from the deadline
}

// RunCatalog runs the fetcher for the partner of the catalog id; with
// refetch, every URL again (images.Options.Refetch).
func (r Runner) RunCatalog(ctx context.Context, id string, refetch bool) (catalog.ImageReport, error) {
	o := r.Options
	o.Refetch = o.Refetch || refetch
	if dl, ok := ctx.Deadline(); ok {
		if left := time.Until(dl) - Margin; left > 0 && (o.MaxDuration == 0 || left < o.MaxDuration) {
			o.MaxDuration = left
		}
	}
	return r.Service.RunCatalog(ctx, id, o)
}

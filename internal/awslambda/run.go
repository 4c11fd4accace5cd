package awslambda

import (
	"context"
	"io"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/s3blobs"
)

// The Run functions build a Lambda's handler from cfg and serve it with
// lambda.Start; they return only when the handler cannot be built. Logs
// (JSON) go to logs, EMF metric lines to metrics; CloudWatch Logs reads
// both.

// adapters are what a Lambda's handler is built from.
type adapters struct {
	env   Env
	store *dynamostore.Store
	blobs *s3blobs.Blobs // nil unless asked for
	index *osindex.Index // nil unless asked for
}

// index says whether a Lambda needs the search index, and how.
type indexUse int

const (
	noIndex        indexUse = iota
	readOnlyIndex           // search only: the role may not manage indexes
	readWriteIndex          // writes documents and may create the index
)

// open builds the environment, the store, and the blobs and index when
// asked for: the part every Run function shares.
func open(ctx context.Context, cfg Config, logs, metrics io.Writer, withBlobs bool, use indexUse) (adapters, error) {
	var a adapters
	var err error
	if a.env, err = NewEnv(ctx, cfg, logs, metrics); err != nil {
		return a, err
	}
	if a.store, err = a.env.Store(); err != nil {
		return a, err
	}
	if withBlobs {
		if a.blobs, err = a.env.Blobs(); err != nil {
			return a, err
		}
	}
	if use != noIndex {
		if a.index, err = a.env.Index(ctx, use == readOnlyIndex); err != nil {
			return a, err
		}
	}
	return a, nil
}

// RunAPI serves the HTTP API behind API Gateway. Confirmations are
// queued for the ingest Lambda (QueuedIntake): the api Lambda parses no
// file.
func RunAPI(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	a, err := open(ctx, cfg, logs, metrics, true, readOnlyIndex)
	if err != nil {
		return err
	}
	queue, queueURL, err := a.env.Queue()
	if err != nil {
		return err
	}
	uploads := S3Uploads{Blobs: a.blobs}
	in := &QueuedIntake{Store: a.store, Blobs: a.blobs, Queue: queue, QueueURL: queueURL, Logger: a.env.Logger}
	h := api.New(api.Deps{
		Store: a.store, Index: a.index, Blobs: a.blobs, Logger: a.env.Logger,
		Ingest: in, Uploads: uploads, Downloads: uploads, MaxUploadBytes: cfg.UploadMaxBytes,
		// Search analytics leave as log lines, off the search's path; the
		// analytics Lambda counts them into the table, where the insights
		// read them (docs/architecture.md).
		Recorder: api.LogRecorder{Logger: a.env.Logger}, SearchLog: a.store,
	})
	lambda.StartWithOptions(APIGatewayHandler(h), lambda.WithContext(ctx))
	return nil
}

// RunAnalytics counts the api Lambda's search_event log lines, delivered
// by a CloudWatch Logs subscription, into the table (SearchEventsHandler).
func RunAnalytics(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	a, err := open(ctx, cfg, logs, metrics, false, noIndex)
	if err != nil {
		return err
	}
	h := &SearchEventsHandler{Log: a.store, Metrics: a.env.Metrics, Logger: a.env.Logger}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// RunIndexer applies DynamoDB Stream batches to the index.
func RunIndexer(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	a, err := open(ctx, cfg, logs, metrics, false, readWriteIndex)
	if err != nil {
		return err
	}
	h := &StreamIndexer{Index: a.index, Store: a.store, Logger: a.env.Logger, Metrics: a.env.Metrics}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// RunReindex rebuilds the index from the table on demand, and sets the
// index up when CloudFormation deploys the stage (SearchIndexSetupType).
func RunReindex(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	a, err := open(ctx, cfg, logs, metrics, false, readWriteIndex)
	if err != nil {
		return err
	}
	h := &ReindexHandler{Store: a.store, Index: a.index, Logger: a.env.Logger}
	lambda.StartWithOptions(h.Invoke, lambda.WithContext(ctx))
	return nil
}

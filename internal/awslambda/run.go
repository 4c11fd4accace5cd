package awslambda

import (
	"context"
	"io"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// The Run functions build a Lambda's handler from cfg and serve it with
// lambda.Start; they return only when the handler cannot be built. Logs
// (JSON) go to logs, EMF metric lines to metrics; CloudWatch Logs reads
// both.

// RunAPI serves the HTTP API behind API Gateway.
func RunAPI(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	env, err := NewEnv(ctx, cfg, logs, metrics)
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
	idx, err := env.Index(ctx, true)
	if err != nil {
		return err
	}
	svc := ingest.New(ingest.Deps{Store: store, Blobs: blobs, Logger: env.Logger})
	h := api.New(api.Deps{
		Store: store, Index: idx, Blobs: blobs, Logger: env.Logger,
		Ingest: svc, Uploads: S3Uploads{Blobs: blobs}, MaxUploadBytes: cfg.UploadMaxBytes,
	})
	lambda.StartWithOptions(APIGatewayHandler(h), lambda.WithContext(ctx))
	return nil
}

// RunIndexer applies DynamoDB Stream batches to the index.
func RunIndexer(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	env, err := NewEnv(ctx, cfg, logs, metrics)
	if err != nil {
		return err
	}
	store, err := env.Store()
	if err != nil {
		return err
	}
	idx, err := env.Index(ctx, false)
	if err != nil {
		return err
	}
	h := &StreamIndexer{Index: idx, Store: store, Logger: env.Logger, Metrics: env.Metrics}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

// RunReindex rebuilds the index from the table on demand.
func RunReindex(ctx context.Context, cfg Config, logs, metrics io.Writer) error {
	env, err := NewEnv(ctx, cfg, logs, metrics)
	if err != nil {
		return err
	}
	store, err := env.Store()
	if err != nil {
		return err
	}
	idx, err := env.Index(ctx, false)
	if err != nil {
		return err
	}
	h := &ReindexHandler{Store: store, Index: idx, Logger: env.Logger}
	lambda.StartWithOptions(h.Handle, lambda.WithContext(ctx))
	return nil
}

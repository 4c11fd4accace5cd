// Command ingest is the ingest Lambda: SQS batches of S3 notifications, each new file ingested,
// and of the api Lambda's confirmations, each held catalog applied.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to ingestfn.Run.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/ingestfn"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "ingest", ingestfn.Run, os.Getenv, os.Stderr, os.Stdout))
}

// Command ingest is the ingest Lambda: SQS batches of S3 notifications, each new file ingested,
// and of the api Lambda's confirmations, each held catalog applied.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to ingestfn.Run.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/ingestfn"
)

func main() {
	cfg, err := awslambda.ConfigFromEnv(os.Getenv)
	if err == nil {
		err = ingestfn.Run(context.Background(), cfg, os.Stderr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

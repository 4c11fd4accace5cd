// Command ingest is the ingest Lambda: SQS batches of S3 notifications, each new file ingested.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunIngest.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
)

func main() {
	cfg, err := awslambda.ConfigFromEnv(os.Getenv)
	if err == nil {
		err = awslambda.RunIngest(context.Background(), cfg, os.Stderr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingest:", err)
		os.Exit(1)
	}
}

// Command indexer is the indexer Lambda: DynamoDB Stream batches applied to the OpenSearch index.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunIndexer.
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
		err = awslambda.RunIndexer(context.Background(), cfg, os.Stderr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "indexer:", err)
		os.Exit(1)
	}
}

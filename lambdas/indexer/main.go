// Command indexer is the indexer Lambda: DynamoDB Stream batches applied to the OpenSearch index.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunIndexer.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "indexer", awslambda.RunIndexer, os.Getenv, os.Stderr, os.Stdout))
}

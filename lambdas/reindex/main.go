// Command reindex is the reindex Lambda: an on-demand rebuild of the OpenSearch index from DynamoDB.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunReindex.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "reindex", awslambda.RunReindex, os.Getenv, os.Stderr, os.Stdout))
}

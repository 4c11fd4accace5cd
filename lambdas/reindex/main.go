// Command reindex is the reindex Lambda: an on-demand rebuild of the OpenSearch index from DynamoDB.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunReindex.
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
		err = awslambda.RunReindex(context.Background(), cfg, os.Stderr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "reindex:", err)
		os.Exit(1)
	}
}

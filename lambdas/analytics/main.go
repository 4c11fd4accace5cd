// Command analytics is the analytics Lambda: CloudWatch Logs delivers it
// the api Lambda's search_event lines (a subscription filter on the api
// function's log group), which it counts into the table's search
// analytics.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunAnalytics.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "analytics", awslambda.RunAnalytics, os.Getenv, os.Stderr, os.Stdout))
}

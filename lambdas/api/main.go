// Command api is the api Lambda: the HTTP API behind API Gateway (REST proxy events).
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunAPI.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "api", awslambda.RunAPI, os.Getenv, os.Stderr, os.Stdout))
}

// Command api is the api Lambda: the HTTP API behind API Gateway (REST proxy events).
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to awslambda.RunAPI.
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
		err = awslambda.RunAPI(context.Background(), cfg, os.Stderr, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

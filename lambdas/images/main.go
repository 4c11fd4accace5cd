// Command images is the images Lambda: SQS batches of the images queue,
// each message a run of the image fetcher over one partner's products
// after the ingest Lambda applied a catalog.
// It only reads its configuration from the environment (names in
// internal/contract) and hands over to imagesfn.Run.
package main

import (
	"context"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/imagesfn"
)

func main() {
	os.Exit(awslambda.Main(context.Background(), "images", imagesfn.Run, os.Getenv, os.Stderr, os.Stdout))
}

// Command catalogctl runs Catalog Search on one machine (serve), ingests
// catalog files (ingest), searches (search), rebuilds the index (reindex) and
// generates demo and benchmark catalogs (gen). Every command has --help.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

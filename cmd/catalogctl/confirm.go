package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// runConfirm applies a catalog held in status needs_confirmation: the
// products its full file does not mention are removed (with --partial,
// none is: its products are written as a partial update). Exit status: 0 when
// applied, 1 when the catalog is unknown or not waiting (or a newer file
// arrived since), 2 for usage errors.
func runConfirm(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "confirm")
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print the catalog with its new report as JSON")
	partial := fs.Bool("partial", false, "apply it as a partial update: write its products, remove none")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "catalogctl confirm: exactly one CATALOG_ID is required")
		fs.Usage()
		return exitUsage
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		return fail(e, "confirm", err)
	}
	defer stack.Close()
	var as catalog.Mode
	if *partial {
		as = catalog.ModePartial
	}
	c, err := stack.Ingest.Confirm(ctx, fs.Arg(0), as)
	if err != nil {
		fmt.Fprintf(e.stderr, "catalogctl confirm: %s\n", catalog.MessageOf(err))
		return exitFail
	}
	if _, err := stack.SyncIndex(ctx); err != nil {
		fmt.Fprintf(e.stderr, "catalogctl confirm: confirmed, but indexing failed (run catalogctl reindex): %s\n", catalog.MessageOf(err))
		return exitFail
	}
	if *asJSON {
		writeJSONLine(e, newIngestReport("", c))
		return exitOK
	}
	printReport(e, c.File, c)
	return exitOK
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

func runIngest(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "ingest")
	data := dataFlag(fs)
	partner := fs.String("partner", "", "partner id the files belong to (required)")
	mode := fs.String("mode", string(catalog.ModeFull), "full: the file is the whole catalog; partial: upsert only")
	dryRun := fs.Bool("dry-run", false, "read, map and validate; report; write nothing")
	asJSON := fs.Bool("json", false, "print one JSON report per file on stdout (the API's Catalog shape)")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	if *partner == "" || fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "catalogctl ingest: --partner and at least one FILE are required")
		fs.Usage()
		return exitUsage
	}
	m := catalog.Mode(*mode)
	if m != catalog.ModeFull && m != catalog.ModePartial {
		fmt.Fprintf(e.stderr, "catalogctl ingest: --mode must be full or partial, not %q\n", *mode)
		return exitUsage
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		return fail(e, "ingest", err)
	}
	defer stack.Close()
	status := exitOK
	for _, path := range fs.Args() {
		c, err := stack.IngestFile(ctx, *partner, path, m, *dryRun)
		if err != nil {
			return fail(e, "ingest", err)
		}
		if c.Status == catalog.StatusRefused || c.Status == catalog.StatusFailed {
			status = exitFail
		}
		if *asJSON {
			enc := json.NewEncoder(e.stdout)
			if err := enc.Encode(c); err != nil {
				return fail(e, "ingest", err)
			}
			continue
		}
		printReport(e, path, c)
	}
	return status
}

func printReport(e env, path string, c catalog.Catalog) {
	r := c.Report
	if r == nil {
		fmt.Fprintf(e.stdout, "%s: %s\n", path, c.Status)
		return
	}
	fmt.Fprintf(e.stdout, "%s: %s (%s, %s): %d rows, %d accepted, %d rejected; %d created, %d updated, %d unchanged, %d removed\n",
		path, r.Status, r.Format, r.Encoding, r.Rows, r.Accepted, r.Rejected, r.Created, r.Updated, r.Unchanged, r.Removed)
	if r.Reason != "" {
		fmt.Fprintf(e.stdout, "  reason: %s\n", r.Reason)
	}
	for i, re := range r.Errors {
		if i == 10 {
			fmt.Fprintf(e.stdout, "  ... %d more (see --json)\n", len(r.Errors)-10)
			break
		}
		fmt.Fprintf(e.stdout, "  row %d %s: %s (%s)\n", re.Row, re.Column, re.Message, re.Code)
	}
}

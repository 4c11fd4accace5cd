package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// ingestReport is what `ingest --json` prints for each file: the API's
// Catalog shape (id, status, report, ...) with the report's figures also
// at the top level, so that scripts read `.rows` or `.report.rows` alike.
type ingestReport struct {
	Path string `json:"path"`
	catalog.Catalog
	Format          string             `json:"format"`
	Encoding        string             `json:"encoding"`
	Rows            int                `json:"rows"`
	Accepted        int                `json:"accepted"`
	Rejected        int                `json:"rejected"`
	Products        int                `json:"products"`
	Created         int                `json:"created"`
	Updated         int                `json:"updated"`
	Unchanged       int                `json:"unchanged"`
	Removed         int                `json:"removed"`
	Reason          string             `json:"reason,omitempty"`
	Errors          []catalog.RowError `json:"errors"`
	Warnings        []catalog.RowError `json:"warnings,omitempty"`
	ErrorsTruncated bool               `json:"errors_truncated,omitempty"`
	DryRun          bool               `json:"dry_run,omitempty"`
}

func newIngestReport(path string, c catalog.Catalog) ingestReport {
	out := ingestReport{Path: path, Catalog: c, Errors: []catalog.RowError{}}
	if r := c.Report; r != nil {
		out.Format, out.Encoding = r.Format, r.Encoding
		out.Rows, out.Accepted, out.Rejected, out.Products = r.Rows, r.Accepted, r.Rejected, r.Products
		out.Created, out.Updated, out.Unchanged, out.Removed = r.Created, r.Updated, r.Unchanged, r.Removed
		out.Reason, out.Warnings, out.ErrorsTruncated, out.DryRun = r.Reason, r.Warnings, r.ErrorsTruncated, r.DryRun
		if r.Errors != nil {
			out.Errors = r.Errors
		}
	}
	return out
}

// statusUsageError is the status of the JSON report of a command line
// that could not run (exit status 2).
const statusUsageError = "usage_error"

// runIngest ingests files. Exit status: 0 when every file was processed
// (even with rejected rows, or held for confirmation), 1 when a file was
// refused as a whole or failed, 2 for usage errors. With --json, stdout
// holds one JSON report per file (one per line) in every case, and one
// report with status usage_error when the command line is wrong.
func runIngest(ctx context.Context, e env, args []string) int {
	asJSONArg := slices.ContainsFunc(args, func(a string) bool { return a == "--json" || a == "-json" || a == "--json=true" })
	fs := newFlags(e, "ingest")
	data := dataFlag(fs)
	partner := fs.String("partner", "", "partner id the files belong to (required)")
	mode := fs.String("mode", "", "full: the file is the whole catalog; partial: upsert only (default: the partner's setting, else full)")
	dryRun := fs.Bool("dry-run", false, "read, map and validate; report; write nothing")
	asJSON := fs.Bool("json", false, "print one JSON report per file on stdout (the API's Catalog shape, with the report's figures also at the top level)")
	usage := func(path, msg string) int {
		if asJSONArg {
			writeJSONLine(e, newIngestReport(path, catalog.Catalog{Status: statusUsageError, Report: &catalog.Report{Status: statusUsageError, Reason: msg}}))
		}
		return exitUsage
	}
	if code, ok := parse(e, fs, args); !ok {
		if code == exitUsage {
			return usage("", "bad flags; see catalogctl ingest --help")
		}
		return code
	}
	if *partner == "" || fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "catalogctl ingest: --partner and at least one FILE are required")
		fs.Usage()
		return usage("", "--partner and at least one FILE are required")
	}
	if !catalog.ValidPartnerID(*partner) {
		msg := fmt.Sprintf("partner %q is not a valid partner id (a-z, 0-9, '-', '_'; at most 64)", *partner)
		fmt.Fprintln(e.stderr, "catalogctl ingest: "+msg)
		return usage("", msg)
	}
	m := catalog.Mode(*mode)
	if err := m.Check(); err != nil {
		msg := "--" + catalog.MessageOf(err)
		fmt.Fprintln(e.stderr, "catalogctl ingest: "+msg)
		return usage("", msg)
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		code := fail(e, "ingest", err)
		if *asJSON {
			writeJSONLine(e, failedReport("", err, code))
		}
		return code
	}
	defer stack.Close()
	status := exitOK
	for _, path := range fs.Args() {
		c, err := stack.IngestFile(ctx, *partner, path, m, *dryRun)
		if err != nil {
			code := fail(e, "ingest", err)
			if *asJSON {
				writeJSONLine(e, failedReport(path, err, code))
			}
			status = max(status, code)
			continue
		}
		if c.Status == catalog.StatusRefused || c.Status == catalog.StatusFailed {
			status = max(status, exitFail)
		}
		if *asJSON {
			writeJSONLine(e, newIngestReport(path, c))
			continue
		}
		printReport(e, path, c)
	}
	return status
}

// failedReport is the JSON report of a file that could not be ingested at
// all (unreadable, or an internal failure).
func failedReport(path string, err error, code int) ingestReport {
	st := catalog.StatusFailed
	if code == exitUsage {
		st = statusUsageError
	}
	return newIngestReport(path, catalog.Catalog{Status: st, Report: &catalog.Report{Status: st, Reason: catalog.MessageOf(err)}})
}

func writeJSONLine(e env, v any) {
	if err := json.NewEncoder(e.stdout).Encode(v); err != nil {
		fmt.Fprintf(e.stderr, "catalogctl: writing JSON: %v\n", err)
	}
}

func printReport(e env, path string, c catalog.Catalog) {
	r := c.Report
	if r == nil {
		fmt.Fprintf(e.stdout, "%s: %s\n", path, c.Status)
		return
	}
	fmt.Fprintf(e.stdout, "%s: %s (%s, %s): %d rows, %d accepted, %d rejected; %d created, %d updated, %d unchanged, %d removed\n",
		path, r.Status, r.Format, r.Encoding, r.Rows, r.Accepted, r.Rejected, r.Created, r.Updated, r.Unchanged, r.Removed)
	if c.ID != "" && !r.DryRun {
		fmt.Fprintf(e.stdout, "  catalog: %s\n", c.ID)
	}
	if r.Reason != "" {
		fmt.Fprintf(e.stdout, "  reason: %s\n", r.Reason)
	}
	if c.Status == catalog.StatusNeedsConfirmation && !r.DryRun {
		fmt.Fprintf(e.stdout, "  to remove them: catalogctl confirm %s\n", c.ID)
	}
	for i, re := range r.Errors {
		if i == 10 {
			fmt.Fprintf(e.stdout, "  ... %d more (see --json)\n", len(r.Errors)-10)
			break
		}
		fmt.Fprintf(e.stdout, "  row %d %s: %s (%s)\n", re.Row, re.Column, re.Message, re.Code)
	}
}

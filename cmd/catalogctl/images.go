package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/images"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// runImages runs the image fetcher over a partner's products now, as serve
// does after every ingest, and records the report on the partner's newest
// catalog. --refetch downloads every image again and re-derives its sizes.
func runImages(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "images")
	data := dataFlag(fs)
	partner := fs.String("partner", "", "partner id (required)")
	refetch := fs.Bool("refetch", false, "fetch every image again, even unchanged ones and ones that failed recently")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 || !catalog.ValidPartnerID(*partner) {
		fmt.Fprintln(e.stderr, "catalogctl images: --partner ID is required, and takes no other argument")
		return exitUsage
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		return fail(e, "images", err)
	}
	defer stack.Close()
	cats, err := stack.Store.ListCatalogs(ctx, *partner, 1)
	if err != nil {
		return fail(e, "images", err)
	}
	if len(cats) == 0 {
		return fail(e, "images", catalog.Errorf(catalog.CodeNotFound, "partner %q has no catalog in %s", *partner, *data))
	}
	rep, err := stack.FetchImages(ctx, cats[0].ID, images.Options{Refetch: *refetch})
	if err != nil {
		return fail(e, "images", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "%s: %d products, %d image URLs: %d fetched, %d unchanged (304), %d reused, %d failed, %d left for a later run\n",
		*partner, rep.Products, rep.URLs, rep.Fetched, rep.Revalidated, rep.Reused, rep.Failed, rep.Skipped)
	for _, f := range rep.Failures {
		fmt.Fprintf(e.stdout, "  %s %s: %s (%s)\n", f.Product, f.URL, f.Message, f.Reason)
	}
	return exitOK
}

package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// runOperatorKey issues or revokes an operator key (the insights routes) in
// a local data folder. It touches only the blob folder, so it works while
// serve runs.
func runOperatorKey(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "operator-key")
	data := dataFlag(fs)
	revoke := fs.String("revoke", "", "revoke this operator key instead of issuing one")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "catalogctl operator-key: takes no arguments (--revoke KEY to revoke)")
		return exitUsage
	}
	blobs, err := diskblobs.New(filepath.Join(*data, "blobs"))
	if err != nil {
		return fail(e, "operator-key", err)
	}
	keys := partnerkeys.New(blobs)
	if *revoke != "" {
		if err := keys.RevokeOperator(ctx, *revoke); err != nil {
			return fail(e, "operator-key", err)
		}
		fmt.Fprintln(e.stderr, "revoked")
		return exitOK
	}
	key, err := keys.IssueOperator(ctx)
	if err != nil {
		return fail(e, "operator-key", err)
	}
	fmt.Fprintln(e.stdout, key)
	record := partnerkeys.OperatorRecordKey(key)
	fmt.Fprintln(e.stderr, "a new operator key (shown once; send it as the X-Api-Key header to /v1/insights/*, or sign in to the site's insights page with it)")
	fmt.Fprintf(e.stderr, "its record: %s (on AWS, copy this file to the bucket as %s)\n",
		filepath.Join(*data, "blobs", filepath.FromSlash(record)), record)
	return exitOK
}

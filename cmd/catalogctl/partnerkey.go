package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// runPartnerKey issues or revokes a partner's API key in a local data
// folder. It touches only the blob folder, so it works while serve runs.
func runPartnerKey(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "partner-key")
	data := dataFlag(fs)
	partner := fs.String("partner", "", "issue a new key for this partner id")
	revoke := fs.String("revoke", "", "revoke this key instead")
	if code, ok := parse(e, fs, args); !ok {
		return code
	}
	if (*partner == "") == (*revoke == "") || fs.NArg() > 0 {
		fmt.Fprintln(e.stderr, "catalogctl partner-key: give exactly one of --partner ID or --revoke KEY")
		return exitUsage
	}
	blobs, err := diskblobs.New(filepath.Join(*data, "blobs"))
	if err != nil {
		return fail(e, "partner-key", err)
	}
	keys := partnerkeys.New(blobs)
	if *revoke != "" {
		if err := keys.Revoke(ctx, *revoke); err != nil {
			return fail(e, "partner-key", err)
		}
		fmt.Fprintln(e.stderr, "revoked")
		return exitOK
	}
	key, err := keys.Issue(ctx, *partner)
	if err != nil {
		return fail(e, "partner-key", err)
	}
	fmt.Fprintln(e.stdout, key)
	record := partnerkeys.RecordKey(key)
	fmt.Fprintf(e.stderr, "a new API key for %s (shown once; send it as the X-Api-Key header)\n", *partner)
	fmt.Fprintf(e.stderr, "its record: %s (on AWS, copy this file to the bucket as %s)\n",
		filepath.Join(*data, "blobs", filepath.FromSlash(record)), record)
	return exitOK
}

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// TestOperatorKey: catalogctl operator-key prints a key the registry takes
// as the operator's and never as a partner's, names its record without
// the key, and --revoke ends it.
func TestOperatorKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	code, stdout, stderr := run(t, "operator-key", "--data", dir)
	key := strings.TrimSpace(stdout)
	if code != exitOK || !strings.HasPrefix(key, "cso_") || strings.Contains(stderr, key) ||
		!strings.Contains(stderr, "partners/_operators/") {
		t.Fatalf("operator-key: %d %q %q", code, stdout, stderr)
	}
	blobs, err := diskblobs.New(filepath.Join(dir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	keys := partnerkeys.New(blobs)
	if err := keys.Operator(ctx, key); err != nil {
		t.Fatalf("the issued key is not an operator key: %v", err)
	}
	if _, err := keys.Partner(ctx, key); catalog.CodeOf(err) != catalog.CodeUnauthorized {
		t.Fatalf("the operator key acts as a partner's: %v", err)
	}
	if err := keys.Operator(ctx, issue(t, dir, "acme")); catalog.CodeOf(err) != catalog.CodeForbidden {
		t.Fatalf("a partner key opens the operator's routes: %v", err)
	}
	if code, _, stderr := run(t, "operator-key", "--data", dir, "--revoke", key); code != exitOK {
		t.Fatalf("revoke: %d %q", code, stderr)
	}
	if err := keys.Operator(ctx, key); catalog.CodeOf(err) != catalog.CodeUnauthorized {
		t.Fatalf("a revoked operator key still works: %v", err)
	}
	if code, _, _ := run(t, "operator-key", "--data", dir, "extra"); code != exitUsage {
		t.Fatalf("an argument: exit %d, want %d", code, exitUsage)
	}
}

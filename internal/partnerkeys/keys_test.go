package partnerkeys_test

import (
	"context"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

func TestIssueCheckRevoke(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := diskblobs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	r := partnerkeys.New(b)
	k1, err := r.Issue(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	k2, err := r.Issue(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	other, err := r.Issue(ctx, "zeta")
	if err != nil {
		t.Fatal(err)
	}
	if k1 == k2 || !strings.HasPrefix(k1, "csk_") || len(k1) < 40 {
		t.Fatalf("keys %q %q: want distinct, prefixed, long", k1, k2)
	}
	for key, want := range map[string]string{k1: "acme", k2: "acme", other: "zeta", " " + k1 + "\n": "acme"} {
		if got, err := r.Partner(ctx, key); err != nil || got != want {
			t.Errorf("Partner(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	// Only digests are stored: the key itself is nowhere on disk.
	all, err := b.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, info := range all {
		if strings.Contains(info.Key, k1[4:]) {
			t.Fatalf("the key is stored in clear: %s", info.Key)
		}
	}
	if err := r.Revoke(ctx, k1); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{k1, "", "csk_nope", "Bearer " + k2, strings.Repeat("csk_", 50)} {
		if _, err := r.Partner(ctx, bad); catalog.CodeOf(err) != catalog.CodeUnauthorized {
			t.Errorf("Partner(%q) err = %v, want unauthorized", bad, err)
		}
	}
	if got, err := r.Partner(ctx, k2); err != nil || got != "acme" {
		t.Fatalf("revoking one key must keep the other: %q %v", got, err)
	}
	if _, err := r.Issue(ctx, "../x"); catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("bad partner id: %v", err)
	}
}

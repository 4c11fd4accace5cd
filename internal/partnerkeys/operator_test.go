package partnerkeys_test

import (
	"context"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// TestOperatorKeysAreTheirOwnKind: an operator key opens Operator and never
// Partner; a partner key is refused by Operator (403, a valid key without
// the role), no key and unknown keys are 401; revoking ends the key.
func TestOperatorKeysAreTheirOwnKind(t *testing.T) {
	ctx := context.Background()
	b, err := diskblobs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r := partnerkeys.New(b)
	op, err := r.IssueOperator(ctx)
	if err != nil {
		t.Fatal(err)
	}
	partner, err := r.Issue(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(op, "cso_") || len(op) < 40 {
		t.Fatalf("operator key %q: want prefixed and long", op)
	}
	if err := r.Operator(ctx, " "+op+"\n"); err != nil {
		t.Fatalf("Operator(operator key) = %v", err)
	}
	if _, err := r.Partner(ctx, op); catalog.CodeOf(err) != catalog.CodeUnauthorized {
		t.Fatalf("Partner(operator key) err = %v, want unauthorized", err)
	}
	// A partner key's record copied where operators' live is still refused
	// by its prefix.
	if _, err := b.Put(ctx, partnerkeys.OperatorRecordKey(partner), strings.NewReader("operator")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, key string
		want      catalog.Code
	}{
		{"partner key", partner, catalog.CodeForbidden},
		{"no key", "", catalog.CodeUnauthorized},
		{"unknown operator key", "cso_nope", catalog.CodeUnauthorized},
		{"unknown partner key", "csk_nope", catalog.CodeUnauthorized},
		{"other text", "operator", catalog.CodeUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := r.Operator(ctx, c.key); catalog.CodeOf(err) != c.want {
				t.Fatalf("Operator(%q) err = %v, want %s", c.key, err, c.want)
			}
		})
	}
	if err := r.RevokeOperator(ctx, op); err != nil {
		t.Fatal(err)
	}
	if err := r.Operator(ctx, op); catalog.CodeOf(err) != catalog.CodeUnauthorized {
		t.Fatalf("revoked operator key err = %v, want unauthorized", err)
	}
}

package intake_test

import (
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/intake"
)

func TestIncomingKeys(t *testing.T) {
	for _, tc := range []struct {
		key, partner, file string
		ok                 bool
	}{
		{"incoming/acme/catalog.csv", "acme", "catalog.csv", true},
		{"incoming/acme/sub/catalog.csv", "acme", "sub/catalog.csv", true},
		{"incoming/acme/", "", "", false},
		{"incoming/acme", "", "", false},
		{"incoming/Not Valid/x.csv", "", "", false},
		{"reports/acme/x.csv", "", "", false},
	} {
		partner, file, ok := intake.SplitIncomingKey(tc.key)
		if partner != tc.partner || file != tc.file || ok != tc.ok {
			t.Errorf("SplitIncomingKey(%q) = %q, %q, %v", tc.key, partner, file, ok)
		}
		if ok && intake.IncomingKey(partner, file) != tc.key {
			t.Errorf("IncomingKey(%q, %q) = %q", partner, file, intake.IncomingKey(partner, file))
		}
	}
}

package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSiteRates: the stage's ratesFile is read relative to the app
// directory and checked; none means no variable; a bad file is an error
// naming the stage and the file.
func TestSiteRates(t *testing.T) {
	dir := t.TempDir()
	good := `[{"from": "USD", "to": "EUR", "rate": "0.5", "date": "2026-11-30"}]`
	if err := os.WriteFile(filepath.Join(dir, "rates.json"), []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`[{"from": "USD"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, want, err string
	}{
		{"", "", ""},
		{"rates.json", `[{"from":"USD","to":"EUR","rate":"0.5","date":"2026-11-30"}]`, ""},
		{"bad.json", "", "stage dev: ratesFile bad.json: rates: entry 0"},
		{"none.json", "", "stage dev: ratesFile"},
	}
	for _, tt := range tests {
		got, err := StageConfig{Stage: StageDev, RatesFile: tt.file}.SiteRates(dir)
		if tt.err == "" && (err != nil || got != tt.want) {
			t.Errorf("%q: %q, %v; want %q", tt.file, got, err, tt.want)
		}
		if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%q: error %v, want %q", tt.file, err, tt.err)
		}
	}
}

package stacks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/contract"
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

// TestRatesReachTheSite synthesizes dev with a ratesFile: the PHP function
// carries the checked, compacted rates as CATALOG_RATES; the stages without
// one set no such variable (the site shows no converted price).
func TestRatesReachTheSite(t *testing.T) {
	safely(t, func() {
		cfg, err := LoadConfig(StageDev, []byte(`{"ratesFile":"stacks/testdata/rates/rates.json"}`), testAccount, "")
		if err != nil {
			t.Fatal(err)
		}
		s := &synthesized{cfg: cfg, dir: t.TempDir(), templates: map[string]map[string]any{}}
		app := NewApp(s.dir)
		NewCatalogSearch(app, cfg, Inputs{Builder: the.builder, EveryLambdaFrom: the.everyLambdaFrom, WebDir: filepath.Join(the.moduleDir, "web"), Composer: the.composer, ParseSynonyms: parseSynonyms})
		app.Synth(nil)
		var tpl map[string]any
		if err := readJSON(filepath.Join(s.dir, cfg.StackName("Website")+".template.json"), &tpl); err != nil {
			t.Fatal(err)
		}
		s.templates["Website"] = tpl
		php := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		want := `[{"from":"USD","to":"EUR","rate":"0.9234","date":"2026-11-30"}]`
		if got := get(php.Props, "Environment", "Variables", contract.EnvRates); got != want {
			t.Errorf("php %s = %v, want %s", contract.EnvRates, got, want)
		}
	})
	forEachStage(t, func(t *testing.T, s *synthesized) {
		php := s.one(t, "Website", "AWS::Lambda::Function", "Php")
		if got := get(php.Props, "Environment", "Variables", contract.EnvRates); got != nil {
			t.Errorf("php %s = %v without a ratesFile", contract.EnvRates, got)
		}
	})
}

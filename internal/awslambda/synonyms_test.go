package awslambda_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestSynonymsFile: the file named by CATALOG_SYNONYMS_FILE is parsed at
// cold start; a missing or bad file fails the start with a message naming
// the file (and the line), and nothing falls back to the built-in rules.
func TestSynonymsFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.txt", "# ours\nbarre de son, soundbar\nsofa, couch => canape\n")
	bad := write("bad.txt", "sofa => canape\n\nbarre de son => sound bar\n")
	missing := filepath.Join(dir, "missing.txt")
	tests := []struct {
		name      string
		file      string
		wantRules []string // SolrRules; nil: built-in (nil Synonyms)
		code      catalog.Code
		wantMsg   []string // parts of the error message
	}{
		{"unset: built-in rules", "", nil, "", nil},
		{"good file", good, []string{"barre de son => barredeson", "soundbar => barredeson", "sofa => canape", "couch => canape"}, "", nil},
		{"missing file", missing, nil, catalog.CodeInvalid, []string{missing, contract.EnvSynonymsFile, "cannot be read"}},
		{"bad file", bad, nil, catalog.CodeInvalid, []string{bad, contract.EnvSynonymsFile, "line 3", "one word"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := awslambda.ConfigFromEnv(func(k string) string {
				if k == contract.EnvSynonymsFile {
					return tt.file
				}
				return ""
			})
			if err != nil {
				t.Fatal(err)
			}
			if cfg.SynonymsFile != tt.file {
				t.Fatalf("SynonymsFile = %q, want %q", cfg.SynonymsFile, tt.file)
			}
			syn, err := cfg.Synonyms()
			if catalog.CodeOf(err) != tt.code {
				t.Fatalf("err %v, want code %q", err, tt.code)
			}
			for _, part := range tt.wantMsg {
				if !strings.Contains(catalog.MessageOf(err), part) {
					t.Errorf("message %q lacks %q", catalog.MessageOf(err), part)
				}
			}
			if err != nil {
				// The same error stops the Lambda before it touches the engine.
				env := awslambda.Env{Config: cfg}
				env.Config.OpenSearchEndpoint = "http://127.0.0.1:1"
				if _, ierr := env.Index(t.Context(), true); catalog.MessageOf(ierr) != catalog.MessageOf(err) {
					t.Errorf("Index: %v, want %v", ierr, err)
				}
				return
			}
			if tt.wantRules == nil {
				if syn != nil {
					t.Fatalf("rules %v, want nil (built-in)", syn.SolrRules())
				}
				return
			}
			if got := syn.SolrRules(); !reflect.DeepEqual(got, tt.wantRules) {
				t.Fatalf("rules %q, want %q", got, tt.wantRules)
			}
		})
	}
}

package stacks

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// searchLambdas are the functions that open the search index, by logical
// ID prefix and part.
var searchLambdas = map[string]string{"HandlerFunction": "API", "IndexerFunction": "Pipeline", "ReindexFunction": "Pipeline"} //nolint:gochecknoglobals // read-only table

// bundleOf returns the function's asset folder in the cloud assembly dir.
func bundleOf(t *testing.T, dir string, fn resource) string {
	t.Helper()
	asset, _ := get(fn.Raw, "Metadata", "aws:asset:path").(string)
	if asset == "" {
		t.Fatalf("%s: no asset path", fn.ID)
	}
	return filepath.Join(dir, asset)
}

// TestSynonymsFileReachesTheSearchLambdas synthesizes dev with a synonyms
// file: the api, indexer and reindex functions carry it as synonyms.txt
// next to bootstrap and name it in CATALOG_SYNONYMS_FILE; the ingest
// function carries neither. The stages without a file carry nothing.
func TestSynonymsFileReachesTheSearchLambdas(t *testing.T) {
	const file = "stacks/testdata/synonyms/custom.txt"
	want, err := os.ReadFile(filepath.Join(the.moduleDir, file))
	if err != nil {
		t.Fatal(err)
	}
	safely(t, func() {
		cfg, err := LoadConfig(StageDev, []byte(`{"synonymsFile":"`+file+`"}`), testAccount, "")
		if err != nil {
			t.Fatal(err)
		}
		s := &synthesized{cfg: cfg, dir: t.TempDir(), templates: map[string]map[string]any{}}
		app := NewApp(s.dir)
		NewCatalogSearch(app, cfg, Inputs{Builder: the.builder, EveryLambdaFrom: the.everyLambdaFrom, WebDir: filepath.Join(the.moduleDir, "web"), Composer: the.composer, ParseSynonyms: parseSynonyms})
		app.Synth(nil)
		for _, part := range []string{"API", "Pipeline"} {
			var tpl map[string]any
			if err := readJSON(filepath.Join(s.dir, cfg.StackName(part)+".template.json"), &tpl); err != nil {
				t.Fatal(err)
			}
			s.templates[part] = tpl
		}
		for prefix, part := range searchLambdas {
			fn := s.one(t, part, "AWS::Lambda::Function", prefix)
			env, _ := get(fn.Props, "Environment", "Variables").(map[string]any)
			if got := env[contract.EnvSynonymsFile]; got != "/var/task/synonyms.txt" {
				t.Errorf("%s: %s=%v, want /var/task/synonyms.txt", fn.ID, contract.EnvSynonymsFile, got)
			}
			bundle := bundleOf(t, s.dir, fn)
			got, err := os.ReadFile(filepath.Join(bundle, contract.SynonymsFileInBundle))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: bundled synonyms %q (%v), want the bytes of %s", fn.ID, got, err, file)
			}
			checkBootstrap(t, filepath.Join(bundle, "bootstrap"), "")
		}
		ingest := s.one(t, "Pipeline", "AWS::Lambda::Function", "IngestFunction")
		if env, _ := get(ingest.Props, "Environment", "Variables").(map[string]any); env[contract.EnvSynonymsFile] != nil {
			t.Errorf("ingest: %s is set", contract.EnvSynonymsFile)
		}
		if _, err := os.Stat(filepath.Join(bundleOf(t, s.dir, ingest), contract.SynonymsFileInBundle)); err == nil {
			t.Error("ingest: carries a synonyms file")
		}
	})
	forEachStage(t, func(t *testing.T, s *synthesized) {
		for prefix, part := range searchLambdas {
			fn := s.one(t, part, "AWS::Lambda::Function", prefix)
			if env, _ := get(fn.Props, "Environment", "Variables").(map[string]any); env[contract.EnvSynonymsFile] != nil {
				t.Errorf("%s: %s set without a synonymsFile", fn.ID, contract.EnvSynonymsFile)
			}
			if _, err := os.Stat(filepath.Join(bundleOf(t, s.dir, fn), contract.SynonymsFileInBundle)); err == nil {
				t.Errorf("%s: carries a synonyms file without a synonymsFile", fn.ID)
			}
		}
	})
}

// TestBadSynonymsFileFailsSynth: a file the Lambdas would refuse at cold
// start fails the synth, before any stack, naming the file and the line.
func TestBadSynonymsFileFailsSynth(t *testing.T) {
	tests := []struct {
		name string
		file string
		want []string
	}{
		{"bad rule", "stacks/testdata/synonyms/bad.txt", []string{"stage dev", "stacks/testdata/synonyms/bad.txt", "synonyms line 2", "one word"}},
		{"missing", "stacks/testdata/synonyms/none.txt", []string{"stage dev", "synonymsFile", "none.txt", "no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig(StageDev, []byte(`{"synonymsFile":"`+tt.file+`"}`), testAccount, "")
			if err != nil {
				t.Fatal(err)
			}
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				NewCatalogSearch(NewApp(t.TempDir()), cfg, Inputs{Builder: the.builder, EveryLambdaFrom: the.everyLambdaFrom, WebDir: filepath.Join(the.moduleDir, "web"), Composer: the.composer, ParseSynonyms: parseSynonyms})
				return ""
			}()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("synth failure %q lacks %q", msg, w)
				}
			}
		})
	}
}

// TestGoFunctionRefusesBadBundleFiles: extra files are plain names that
// exist, and never replace bootstrap.
func TestGoFunctionRefusesBadBundleFiles(t *testing.T) {
	tests := map[string]map[string]string{
		"path as name":  {"../synonyms.txt": "stacks/testdata/synonyms/custom.txt"},
		"bootstrap":     {"bootstrap": "stacks/testdata/synonyms/custom.txt"},
		"missing file":  {"synonyms.txt": "stacks/testdata/synonyms/none.txt"},
		"folder source": {"synonyms.txt": "stacks/testdata/synonyms"},
	}
	for name, files := range tests {
		t.Run(name, func(t *testing.T) {
			msg := func() (msg string) {
				defer func() { msg = fmt.Sprint(recover()) }()
				stack := awscdk.NewStack(NewApp(t.TempDir()), jsii.String("Hello"), nil)
				NewGoFunction(stack, "Hello", GoFunctionProps{
					Builder: the.builder, Dir: "stacks/testdata/hello", Stage: "test", Files: files,
					Sizing: LambdaConfig{MemoryMiB: 128, TimeoutSeconds: 3}, Retention: "ONE_WEEK",
				})
				return ""
			}()
			if !strings.Contains(msg, "GoFunction Hello") {
				t.Fatalf("panic %q, want a refusal naming the function", msg)
			}
		})
	}
}

package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/search"
)

// The app of every stage is synthesized once per test binary, in TestMain;
// the tests read the templates and the cloud assembly from disk. A panic
// while one stage synthesizes fails that stage's subtests only.

// testAccount is a fixed account so templates carry a concrete environment.
const testAccount = "123456789012"

// synthesized is one stage's cloud assembly.
type synthesized struct {
	cfg       StageConfig
	dir       string                    // cloud assembly folder
	err       error                     // synth failure
	templates map[string]map[string]any // part ("Data", "API", ...) -> template
	manifest  map[string]any
}

type suite struct {
	moduleDir string
	builder   *GoBuilder
	// composer is Inputs.Composer: the stub of testdata/composer, since
	// Composer's registry cannot be reached here (sitebundle_test.go).
	composer string
	// everyLambdaFrom is Inputs.EveryLambdaFrom (STACKS_TEST_LAMBDA_DIR).
	everyLambdaFrom string
	stages          map[string]*synthesized
}

// the is the suite built by TestMain: read-only once tests run.
var the suite //nolint:gochecknoglobals // built once per test binary, read-only in tests

// parseSynonyms is the app's synonyms parser (app.go): the search
// package's, which the stacks themselves do not import.
func parseSynonyms(path string) error {
	_, err := search.ReadSynonymsFile(path)
	return err
}

// Parts are the stack parts of every stage.
func parts() []string { return []string{"Data", "Pipeline", "API", "Website", "Monitoring"} }

// stackParts are the stack parts of s's stage: parts(), and Edge (the
// CloudFront web ACL in us-east-1) where the stage has StageConfig.WAF.
func (s *synthesized) stackParts() []string {
	if s.cfg.WAF {
		return append(parts(), "Edge")
	}
	return parts()
}

func TestMain(m *testing.M) {
	cleanup, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stacks tests:", err)
		os.Exit(1)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// setup synthesizes every stage; cleanup removes what it wrote.
func setup() (cleanup func(), err error) {
	moduleDir, err := filepath.Abs("..")
	if err != nil {
		return nil, err
	}
	b, err := NewGoBuilder(moduleDir)
	if err != nil {
		return nil, err
	}
	the = suite{moduleDir: moduleDir, builder: b, stages: map[string]*synthesized{},
		composer: filepath.Join(moduleDir, "stacks", "testdata", "composer", "composer")}
	// STACKS_TEST_LAMBDA_DIR builds every Lambda from one folder instead of
	// lambdas/<name>: for working on the stacks while a Lambda does not
	// compile. make test-cdk never sets it.
	if dir := os.Getenv("STACKS_TEST_LAMBDA_DIR"); dir != "" {
		fmt.Fprintf(os.Stderr, "stacks tests: NOTE every Lambda is built from %s (STACKS_TEST_LAMBDA_DIR)\n", dir)
		the.everyLambdaFrom = dir
	}
	cleanup = func() { _ = b.Close() }
	out := os.Getenv("STACKS_TEST_OUTDIR") // keep the assemblies
	if out == "" {
		tmp, err := os.MkdirTemp("", "stacks-test-")
		if err != nil {
			return nil, err
		}
		cleanup = func() { _ = b.Close(); _ = os.RemoveAll(tmp) }
		out = tmp
	}
	for _, stage := range Stages() {
		the.stages[stage] = synthStage(stage, filepath.Join(out, stage))
	}
	return cleanup, nil
}

// synthStage synthesizes one stage into dir and loads its templates.
func synthStage(stage, dir string) (s *synthesized) {
	s = &synthesized{dir: dir}
	defer func() {
		if r := recover(); r != nil {
			s.err = fmt.Errorf("synth %s: %v", stage, r)
		}
	}()
	// The configuration an operator deploys: the defaults and cdk.json.
	overrides, err := cdkJSONStages()
	if err != nil {
		s.err = err
		return s
	}
	cfg, err := LoadConfig(stage, overrides[stage], testAccount, "")
	if err != nil {
		s.err = err
		return s
	}
	s.cfg = cfg
	if err := os.RemoveAll(dir); err != nil {
		s.err = err
		return s
	}
	app := NewApp(dir)
	NewCatalogSearch(app, cfg, Inputs{Builder: the.builder, EveryLambdaFrom: the.everyLambdaFrom, WebDir: filepath.Join(the.moduleDir, "web"), Composer: the.composer, ParseSynonyms: parseSynonyms})
	app.Synth(nil)
	s.templates = map[string]map[string]any{}
	for _, part := range s.stackParts() {
		var t map[string]any
		if err := readJSON(filepath.Join(dir, cfg.StackName(part)+".template.json"), &t); err != nil {
			s.err = err
			return s
		}
		s.templates[part] = t
	}
	if err := readJSON(filepath.Join(dir, "manifest.json"), &s.manifest); err != nil {
		s.err = err
	}
	return s
}

// cdkJSONStages returns the per-stage overrides of ../cdk.json.
func cdkJSONStages() (map[string]json.RawMessage, error) {
	var doc struct {
		Context struct {
			Stages map[string]json.RawMessage `json:"stages"`
		} `json:"context"`
	}
	if err := readJSON("../cdk.json", &doc); err != nil {
		return nil, err
	}
	return doc.Context.Stages, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// forEachStage runs f in one subtest per stage; a stage whose synth failed
// fails its subtest with the synth error, and a panic inside f (a jsii
// assertion, a bad type assertion) fails only that subtest.
func forEachStage(t *testing.T, f func(t *testing.T, s *synthesized)) {
	t.Helper()
	for _, stage := range Stages() {
		t.Run(stage, func(t *testing.T) {
			s := the.stages[stage]
			if s.err != nil {
				t.Fatalf("synth failed: %v", s.err)
			}
			safely(t, func() { f(t, s) })
		})
	}
}

func safely(t *testing.T, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("panic: %v", r)
		}
	}()
	f()
}

// resource is one resource of a template.
type resource struct {
	ID         string
	Type       string
	Props      map[string]any
	Raw        map[string]any
	Deletion   string
	Metadata   map[string]any
	TemplateOf string
}

// resources returns the resources of type typ (all when typ is "") of one part.
func (s *synthesized) resources(part, typ string) []resource {
	var out []resource
	res, _ := s.templates[part]["Resources"].(map[string]any)
	for id, r := range res {
		m := r.(map[string]any)
		if typ != "" && m["Type"] != typ {
			continue
		}
		props, _ := m["Properties"].(map[string]any)
		meta, _ := m["Metadata"].(map[string]any)
		del, _ := m["DeletionPolicy"].(string)
		out = append(out, resource{ID: id, Type: m["Type"].(string), Props: props, Raw: m, Deletion: del, Metadata: meta, TemplateOf: part})
	}
	return out
}

// allResources returns the resources of type typ across the stage's stacks.
func (s *synthesized) allResources(typ string) []resource {
	var out []resource
	for _, p := range s.stackParts() {
		out = append(out, s.resources(p, typ)...)
	}
	return out
}

// one returns the single resource of type typ in part whose logical ID starts with prefix.
func (s *synthesized) one(t *testing.T, part, typ, prefix string) resource {
	t.Helper()
	var found []resource
	for _, r := range s.resources(part, typ) {
		if strings.HasPrefix(r.ID, prefix) {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%s: want one %s with ID prefix %q, found %d", part, typ, prefix, len(found))
	}
	return found[0]
}

// get walks a JSON value by keys (string) and indexes (int).
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

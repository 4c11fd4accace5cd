package archtest

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestLayers lists the imports of every package of the module (not of its
// tests) and fails on any the layer rules forbid.
func TestLayers(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list the module's imports: %v", err)
	}
	_, here, _, _ := runtime.Caller(0)
	cmd := exec.CommandContext(t.Context(), goTool, "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...")
	cmd.Dir = filepath.Join(filepath.Dir(here), "..", "..")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var imports []Import
	packages := 0
	for line := range strings.Lines(string(out)) {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		packages++
		from := relative(fields[0])
		for _, to := range fields[1:] {
			imports = append(imports, Import{From: from, To: relative(to)})
		}
		if len(fields) == 1 {
			imports = append(imports, Import{From: from, To: "fmt"}) // so that its layer is checked
		}
	}
	if packages < 30 {
		t.Fatalf("go list gave %d packages: not this module's", packages)
	}
	for _, v := range Violations(imports) {
		t.Error(v)
	}
}

func relative(p string) string {
	if p == Module {
		return ""
	}
	if r, ok := strings.CutPrefix(p, Module+"/"); ok {
		return r
	}
	return p
}

// TestViolationsCatchWrongImports: deliberate wrong imports, each of which
// must be reported, next to allowed ones that must not.
func TestViolationsCatchWrongImports(t *testing.T) {
	for _, tc := range []struct {
		name  string
		im    Import
		wrong bool
	}{
		{"use case imports an adapter", Import{"internal/ingest", "internal/boltstore"}, true},
		{"adapter imports another adapter", Import{"internal/osindex", "internal/dynamostore"}, true},
		{"conformance suite imports an adapter", Import{"internal/catalogtest", "internal/boltstore"}, true},
		{"stacks import a use case", Import{"stacks", "internal/search"}, true},
		{"ingest imports Lambda events", Import{"internal/ingest", "github.com/aws/aws-lambda-go/events"}, true},
		{"ingest subpackage imports Lambda events", Import{"internal/ingest/tabular", "github.com/aws/aws-lambda-go/events"}, true},
		{"api imports ingest", Import{"internal/api", "internal/ingest"}, true},
		{"domain imports a module", Import{"internal/catalog", "golang.org/x/text/unicode/norm"}, true},
		{"domain imports a use case", Import{"internal/catalog", "internal/search"}, true},
		{"use case imports wiring", Import{"internal/indexer", "internal/local"}, true},
		{"internal imports awscdk", Import{"internal/local", "github.com/aws/aws-cdk-go/awscdk/v2"}, true},
		{"unknown package", Import{"internal/newthing", "fmt"}, true},
		{"json v2 mirror outside the OpenSearch adapter", Import{"internal/api", "github.com/go-json-experiment/json"}, true},
		{"json v2 mirror's jsontext outside the OpenSearch adapter", Import{"cmd/catalogctl", "github.com/go-json-experiment/json/jsontext"}, true},
		{"a third JSON package", Import{"internal/ingest/tabular", "github.com/json-iterator/go"}, true},
		{"OpenSearch adapter imports the json v2 mirror", Import{"internal/osindex", "github.com/go-json-experiment/json"}, false},
		{"anyone imports encoding/json", Import{"internal/api", "encoding/json"}, false},
		{"adapter kit imports an adapter", Import{"internal/awserr", "internal/dynamostore"}, true},
		{"adapter kit imports a use case", Import{"internal/awserr", "internal/search"}, true},
		{"use case imports the adapter kit", Import{"internal/ingest", "internal/awserr"}, true},
		{"domain imports the standard library", Import{"internal/catalog", "strings"}, false},
		{"adapter imports the domain", Import{"internal/boltstore", "internal/catalog"}, false},
		{"adapter imports its SDK", Import{"internal/dynamostore", "github.com/aws/aws-sdk-go-v2/service/dynamodb"}, false},
		{"adapter imports the adapter kit", Import{"internal/s3blobs", "internal/awserr"}, false},
		{"wiring imports adapters", Import{"internal/local", "internal/boltstore"}, false},
		{"stacks import contract", Import{"stacks", "internal/contract"}, false},
		{"app imports stacks", Import{"", "stacks"}, false},
		{"lambda main imports awslambda", Import{"lambdas/api", "internal/awslambda"}, false},
		{"awslambda imports Lambda events", Import{"internal/awslambda", "github.com/aws/aws-lambda-go/events"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Violations([]Import{tc.im})
			if (len(v) > 0) != tc.wrong {
				t.Fatalf("Violations(%v) = %v, want wrong=%v", tc.im, v, tc.wrong)
			}
		})
	}
}

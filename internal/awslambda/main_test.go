package awslambda_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

func TestMainReadsConfigAndRuns(t *testing.T) {
	failing := errors.New("no handler")
	tests := []struct {
		name    string
		env     map[string]string
		runErr  error
		code    int
		ran     bool
		table   string // the Config run receives
		logLine string // what Main writes to logs
	}{
		{"run gets the configuration", map[string]string{contract.EnvTable: "products"}, nil, 0, true, "products", ""},
		{"run fails", map[string]string{contract.EnvTable: "products"}, failing, 1, true, "products", "indexer: no handler\n"},
		{"configuration wrong", map[string]string{contract.EnvUploadMaxBytes: "lots"}, nil, 1, false, "",
			"indexer: invalid: " + contract.EnvUploadMaxBytes + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs, metrics strings.Builder
			ran := false
			run := func(ctx context.Context, cfg awslambda.Config, l, m io.Writer) error {
				ran = true
				if cfg.Table != tt.table || l != &logs || m != &metrics {
					t.Errorf("run got table %q, logs %v, metrics %v", cfg.Table, l == &logs, m == &metrics)
				}
				return tt.runErr
			}
			code := awslambda.Main(t.Context(), "indexer", run, func(k string) string { return tt.env[k] }, &logs, &metrics)
			if code != tt.code || ran != tt.ran {
				t.Fatalf("exit code %d, ran %v; want %d, %v", code, ran, tt.code, tt.ran)
			}
			if !strings.HasPrefix(logs.String(), tt.logLine) || (tt.logLine == "") != (logs.Len() == 0) {
				t.Fatalf("logs %q, want them to start with %q", logs.String(), tt.logLine)
			}
		})
	}
}

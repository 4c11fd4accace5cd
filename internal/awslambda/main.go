package awslambda

import (
	"context"
	"fmt"
	"io"
)

// RunFunc builds a Lambda's handler from cfg and serves it: RunAPI,
// RunIndexer, RunReindex, RunAnalytics, ingestfn.Run and imagesfn.Run are
// RunFuncs.
type RunFunc func(ctx context.Context, cfg Config, logs, metrics io.Writer) error

// Main is the whole of a Lambda's main, which passes os.Getenv, os.Stderr
// and os.Stdout: it reads the configuration with getenv and hands over to
// run. It returns the process's exit code: 1, after the line "name: error"
// on logs, when the configuration is wrong or run cannot build its handler;
// 0 when run returns without an error.
func Main(ctx context.Context, name string, run RunFunc, getenv func(string) string, logs, metrics io.Writer) int {
	cfg, err := ConfigFromEnv(getenv)
	if err == nil {
		err = run(ctx, cfg, logs, metrics)
	}
	if err != nil {
		fmt.Fprintf(logs, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

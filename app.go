// Command catalogsearch-cdk is the CDK app of Catalog Search: it picks the
// stage configuration from `-c env=dev|staging|prod` (default dev) and the
// optional per-stage overrides of cdk.json, then defines that stage's stacks.
//
//	npx cdk synth -c env=prod
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/aws/jsii-runtime-go"

	"github.com/catalogsearch/catalogsearch/internal/search"
	"github.com/catalogsearch/catalogsearch/stacks"
)

func main() {
	defer jsii.Close()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "cdk app:", err)
		os.Exit(1)
	}
}

// run reads the context and the CDK default environment, then synthesizes.
func run() error {
	app := stacks.NewApp("")
	stage := stacks.StageDev
	if v, ok := app.Node().TryGetContext(jsii.String("env")).(string); ok && v != "" {
		stage = v
	}
	var overrides json.RawMessage
	if all, ok := app.Node().TryGetContext(jsii.String("stages")).(map[string]any); ok {
		if o, ok := all[stage]; ok {
			b, err := json.Marshal(o)
			if err != nil {
				return err
			}
			overrides = b
		}
	}
	cfg, err := stacks.LoadConfig(stage, overrides, os.Getenv("CDK_DEFAULT_ACCOUNT"), os.Getenv("CDK_DEFAULT_REGION"))
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	builder, err := stacks.NewGoBuilder(wd)
	if err != nil {
		return err
	}
	defer func() { _ = builder.Close() }()
	parseSynonyms := func(path string) error {
		_, err := search.ReadSynonymsFile(path)
		return err
	}
	if err := stacks.CheckSynonymsFile(cfg, builder.ModuleDir(), parseSynonyms); err != nil {
		return err // a clear line, not NewCatalogSearch's panic
	}
	stacks.NewCatalogSearch(app, cfg, stacks.Inputs{Builder: builder, WebDir: "web", ParseSynonyms: parseSynonyms})
	app.Synth(nil)
	return nil
}

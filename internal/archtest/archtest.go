// Package archtest holds the layer rules of the module (docs/architecture.md,
// "The layers and what may import what") as data, and checks them: its test
// lists every package's imports with `go list` and fails on an import the
// rules forbid, so that a wrong import fails `make test`.
package archtest

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Module is the module path.
const Module = "github.com/catalogsearch/catalogsearch"

// Layer is a layer of the module.
type Layer string

// The layers, from the inside out.
const (
	Domain   Layer = "domain"
	Contract Layer = "contract"
	UseCase  Layer = "use case"
	Adapter  Layer = "adapter"
	// AdapterKit holds code several adapters of one SDK share (awserr's
	// translation of AWS errors), so that adapters never import each other.
	AdapterKit     Layer = "adapter kit"
	Conformance    Layer = "conformance suite"
	TestHelper     Layer = "test helper"
	Wiring         Layer = "wiring"
	Infrastructure Layer = "infrastructure"
	Tool           Layer = "tool"
	Bench          Layer = "benchmark"
)

// Packages gives the layer of each package (a path relative to the
// module; "x/..." covers x and everything below it).
func Packages() map[string]Layer {
	return map[string]Layer{
		"internal/catalog":       Domain,
		"internal/contract":      Contract,
		"internal/intake":        UseCase,
		"internal/ingest/...":    UseCase,
		"internal/indexer":       UseCase,
		"internal/api":           UseCase,
		"internal/search":        UseCase,
		"internal/partnerkeys":   UseCase,
		"internal/images":        UseCase,
		"internal/emf":           UseCase,
		"internal/analysis":      UseCase,
		"internal/awserr":        AdapterKit,
		"internal/boltstore":     Adapter,
		"internal/diskblobs":     Adapter,
		"internal/bleveindex":    Adapter,
		"internal/dynamostore":   Adapter,
		"internal/s3blobs":       Adapter,
		"internal/osindex":       Adapter,
		"internal/catalogtest":   Conformance,
		"internal/indextest":     Conformance,
		"internal/shareddata":    TestHelper,
		"internal/embeddedtest":  TestHelper,
		"internal/awstest":       TestHelper,
		"internal/awse2e":        TestHelper,
		"internal/archtest":      TestHelper,
		"internal/demogen":       Tool,
		"internal/benchdoc":      Tool,
		"internal/templatediff":  Tool,
		"internal/local":         Wiring,
		"internal/webserve":      Wiring,
		"internal/awslambda/...": Wiring,
		"lambdas/...":            Wiring,
		"cmd/...":                Wiring,
		"bench/...":              Bench,
		"":                       Wiring, // app.go, the CDK app's main
		"stacks":                 Infrastructure,
	}
}

// mayImport gives, per layer, the layers of the module it may import.
func mayImport() map[Layer][]Layer {
	return map[Layer][]Layer{
		Domain:         nil,
		Contract:       nil,
		UseCase:        {Domain, Contract, UseCase},
		AdapterKit:     {Domain},
		Adapter:        {Domain, Contract, UseCase, AdapterKit},
		Conformance:    {Domain, Contract, UseCase},
		TestHelper:     {Domain, Contract, UseCase, AdapterKit, Adapter, Conformance, TestHelper, Tool, Wiring},
		Tool:           {Domain, Contract},
		Wiring:         {Domain, Contract, UseCase, AdapterKit, Adapter, Wiring, Tool, Infrastructure},
		Infrastructure: {Contract, Infrastructure},
		// Benchmarks wire what they measure, and read ../shared/ data.
		Bench: {Domain, Contract, UseCase, AdapterKit, Adapter, Wiring, Tool, TestHelper},
	}
}

// Import is one import of one package (paths relative to the module for
// the module's own packages).
type Import struct {
	From, To string
}

// Rule is a forbidden import beyond the layer table.
type rule struct {
	from, to string // package patterns (see Packages); to may be a path outside the module
	why      string
	except   string // a package pattern the rule does not apply to ("" = none)
}

// jsonWhy is why a third JSON package is refused.
const jsonWhy = "one JSON package per purpose: encoding/json, and encoding/json/v2's mirror in internal/osindex's search"

func rules() []rule {
	return []rule{
		{"internal/api", "internal/ingest/...", "the api Lambda never links the parsing pipeline (intake holds what it needs)", ""},
		{"internal/intake", "internal/ingest/...", "intake is what the API needs of ingest, without the parsers", ""},
		{"internal/ingest/...", "github.com/aws/aws-lambda-go/...", "Lambda events are decoded in internal/awslambda only", ""},
		{"internal/indexer", "github.com/aws/aws-lambda-go/...", "Lambda events are decoded in internal/awslambda only", ""},
		{"internal/search", "github.com/aws/aws-lambda-go/...", "Lambda events are decoded in internal/awslambda only", ""},
		{"internal/catalog", "*", "the domain imports the standard library only", ""},
		{"internal/...", "github.com/aws/aws-cdk-go/...", "nothing in internal/ imports awscdk", ""},
		// One JSON package per purpose (docs/architecture.md, "JSON").
		{"*", "github.com/go-json-experiment/json/...", "encoding/json/v2's mirror is for the OpenSearch adapter's search bodies only; elsewhere encoding/json", "internal/osindex"},
		{"*", "github.com/json-iterator/go/...", jsonWhy, ""},
		{"*", "github.com/goccy/go-json/...", jsonWhy, ""},
		{"*", "github.com/bytedance/sonic/...", jsonWhy, ""},
		{"*", "github.com/segmentio/encoding/...", jsonWhy, ""},
	}
}

// match reports whether pkg (relative to the module, or a full path
// outside it) matches pattern.
func match(pattern, pkg string) bool {
	if pattern == "*" {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

// LayerOf returns the layer of pkg (relative to the module) and whether
// the table names it.
func LayerOf(pkg string) (Layer, bool) {
	best, layer := -1, Layer("")
	for pattern, l := range Packages() {
		if match(pattern, pkg) && len(pattern) > best {
			best, layer = len(pattern), l
		}
	}
	return layer, best >= 0
}

// Violations returns every import of imports that the rules forbid, and
// every package of the module the layer table does not name. Standard
// library imports are always allowed, except in the domain's rule.
func Violations(imports []Import) []string {
	var out []string
	allowed := mayImport()
	unknown := map[string]bool{}
	for _, im := range imports {
		from, ok := LayerOf(im.From)
		if !ok {
			if !unknown[im.From] {
				unknown[im.From] = true
				out = append(out, fmt.Sprintf("%s has no layer: add it to archtest.Packages and to docs/architecture.md", im.From))
			}
			continue
		}
		own := !strings.Contains(strings.Split(im.To, "/")[0], ".")
		std := own && !strings.HasPrefix(im.To, "internal/") && !isModuleDir(im.To)
		for _, r := range rules() {
			if match(r.from, im.From) && !std && (r.to == "*" || match(r.to, im.To)) && (r.except == "" || !match(r.except, im.From)) {
				out = append(out, fmt.Sprintf("%s imports %s: %s", im.From, im.To, r.why))
			}
		}
		if !own || std {
			continue
		}
		to, ok := LayerOf(im.To)
		if !ok {
			continue // reported as the importing package of its own imports
		}
		if !slices.Contains(allowed[from], to) {
			out = append(out, fmt.Sprintf("%s (%s) imports %s (%s): a %s may import only %v", im.From, from, im.To, to, from, allowed[from]))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isModuleDir reports the module's top folders (whose packages have no dot
// in their first element, like the standard library's).
func isModuleDir(p string) bool {
	switch strings.Split(path.Clean(p), "/")[0] {
	case "internal", "cmd", "lambdas", "bench", "stacks":
		return true
	}
	return false
}

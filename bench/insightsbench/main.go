// Command insightsbench measures the operator's insights at scale: it
// generates products with offers shared between partners (about 20% of the
// GTINs held by 2 to 5 partners), indexes them in Bleve (and in an
// OpenSearch node when -opensearch is set), and times the API calls the
// insights page makes (GET /v1/insights/{catalog,freshness,
// searches} with the operator key) through the API handler.
// It writes a Markdown section for docs/benchmarks.md.
package main

import (
	"context"
	"flag"
	"os"
)

func main() {
	var o Options
	flag.IntVar(&o.Products, "n", 100000, "products to generate and index")
	flag.StringVar(&o.OpenSearchURL, "opensearch", "", "OpenSearch node URL (empty: Bleve only)")
	flag.IntVar(&o.Runs, "runs", 20, "timed page loads per engine")
	flag.StringVar(&o.Out, "out", "", "write the Markdown section here (default stdout)")
	flag.StringVar(&o.Command, "command", "make bench-insights", "the command named in the section")
	flag.Parse()
	os.Exit(Run(context.Background(), o, os.Stdout, os.Stderr))
}

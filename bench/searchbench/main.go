// Command searchbench measures search and indexing on both engines and
// writes the figures as a Markdown section (docs/bench/search.md, joined
// into docs/benchmarks.md by make bench):
//
//   - Bleve: indexing throughput, and the latency of 1,000 mixed queries
//     (words, typos, prefixes, identifiers, facets and filters) through the
//     HTTP API handler in process;
//   - OpenSearch (when OPENSEARCH_URL is set): the adapter's indexing
//     throughput against a bare _bulk loop over the same documents in the
//     same run, and the adapter's own time per search (client time minus
//     the HTTP round trip to the engine).
//
// Run it with make bench-search; it is not a test.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o Options
	flag.IntVar(&o.Products, "n", 100000, "generated products to index")
	flag.IntVar(&o.Queries, "queries", 1000, "measured queries per engine")
	flag.IntVar(&o.OpenSearchProducts, "os-n", 100000, "products for the OpenSearch figures (at most -n)")
	flag.IntVar(&o.LargeProducts, "large-n", 0, "products of a second Bleve run (e.g. 1000000); 0 for none")
	flag.StringVar(&o.OpenSearchURL, "opensearch", os.Getenv("OPENSEARCH_URL"), "OpenSearch node; empty skips the OpenSearch figures")
	flag.StringVar(&o.Out, "out", "docs/bench/search.md", "Markdown file to write")
	flag.StringVar(&o.Command, "command", "make bench-search", "the command that reproduces the figures, for the report")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the Bleve query phase to this file")
	flag.StringVar(&o.OSCPUProfile, "os-cpuprofile", "", "write a CPU profile of the OpenSearch query phase to this file")
	flag.StringVar(&o.Keep, "keep", "", "keep each run's Bleve index in this folder and reuse it next time (no indexing figure)")
	flag.BoolVar(&o.CompareLegacy, "compare-legacy", false, "also run every query in the legacy Bleve text query shape, side by side, and report both")
	flag.IntVar(&o.Slowest, "slowest", 0, "log this many of the queries that took the most CPU time on each Bleve run")
	flag.IntVar(&o.LoadClients, "load-clients", 16, "concurrent HTTP clients of the load phase on the largest Bleve run (0: no load phase)")
	flag.DurationVar(&o.LoadDuration, "load", 60*time.Second, "duration of each load phase (the single-client phase runs a quarter of it)")
	flag.StringVar(&o.Title, "title", "Search", "title of the Markdown section")
	flag.Parse()
	if err := Run(ctx, o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "searchbench:", err)
		os.Exit(1)
	}
}

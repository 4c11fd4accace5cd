// Command relevancebench measures search relevance on real public catalogs
// (the exports in ../shared/testdata/real, and the Magento "Luma" sample
// catalog when RELEVANCE_MAGENTO names a snapshot of
// github.com/magento/magento2-sample-data) with the graded queries of
// queries.tsv, on Bleve, on OpenSearch (when OPENSEARCH_URL is set) and on a
// plain Bleve match query as the baseline, and writes the figures as a
// Markdown section (docs/bench/relevance.md, joined into docs/benchmarks.md
// by make bench).
//
// Run it with make bench-relevance; it is not a test.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var o Options
	flag.StringVar(&o.Shared, "shared", "", "folder of the shared real exports (default ../shared/testdata/real beside the repository)")
	flag.StringVar(&o.Magento, "magento", os.Getenv("RELEVANCE_MAGENTO"), "git folder of a magento2-sample-data snapshot; empty skips that catalog")
	flag.StringVar(&o.Cache, "cache", ".cache/relevance", "folder the Magento files are copied to (ignored by git)")
	flag.StringVar(&o.Queries, "queries", "bench/relevancebench/queries.tsv", "graded queries")
	flag.StringVar(&o.OpenSearchURL, "opensearch", os.Getenv("OPENSEARCH_URL"), "OpenSearch node; empty skips the OpenSearch figures")
	flag.StringVar(&o.Out, "out", "docs/bench/relevance.md", "Markdown file to write")
	flag.StringVar(&o.Command, "command", "make bench-relevance", "the command that reproduces the figures, for the report")
	flag.BoolVar(&o.Verbose, "v", false, "print every query that misses, and every query of nDCG@10 below 0.9")
	flag.StringVar(&o.Dump, "dump", "", "list the ingested products in this file (to write judgments from)")
	flag.Parse()
	if err := Run(ctx, o, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "relevancebench:", err)
		os.Exit(1)
	}
}

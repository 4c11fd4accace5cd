// Command ingestbench measures the ingest pipeline and writes the figures
// as a Markdown section (docs/bench/ingest.md, through make bench-ingest):
//
//   - CSV throughput: the whole dry-run pipeline (decode, map, validate,
//     hash) against a bare encoding/csv read loop over the same file, in
//     the same run; the target is a ratio of at least 0.5.
//   - Peak memory: a 1,000,000-row CSV dry run and a 100,000-row XLSX dry
//     run, each in a child process that reports its own peak RSS
//     (getrusage maxrss); targets 64 MB and 200 MB.
//   - Delta: re-ingesting an unchanged 100,000-product catalog, counting
//     store writes through a wrapper Store; targets zero writes and under a
//     fifth of the first ingest's time.
//   - Quality: the scoring ingest does per product (package analysis,
//     and the products-to-fix rows), timed alone over the same products;
//     target: it adds under 10% to the dry run's and the first ingest's
//     time.
//   - First ingest into the local stack (bbolt store, Bleve index, disk
//     blobs), as catalogctl ingest runs it, at several sizes (-local-rows),
//     each in a child process: time until searchable, peak RSS (target
//     512 MB whatever the size), and the store, the index and the report
//     agreeing on the product count (-only-local runs just this part, to
//     docs/bench/ingest-local.md).
//
// Files come from internal/demogen (canonical headers, 1% defective rows).
package main

import (
	"os"
)

func main() {
	os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr))
}

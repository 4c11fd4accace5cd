// Command awsbench measures the ingest of a big catalog on the AWS code
// path, since there is no AWS account here (issue 15, "a measured
// model"), and writes the figures as a Markdown section
// (docs/bench/aws-ingest.md, through make bench-aws-ingest):
//
//   - moto_server plays S3, SQS and DynamoDB; an awstest.LatencyProxy in
//     front of it adds a network latency to every request the Lambdas make
//     (default 5 ms ± 2 ms) and counts them by operation, with the
//     DynamoDB write units they would consume;
//   - the real ingest binary runs under the Runtime Interface Emulator, K
//     execution environments at once (default 8), fed from the ingest
//     queue by an awstest.QueueDriver as Lambda's event source mapping
//     would (batch size 1);
//   - a generated N-row CSV (internal/demogen) is put under incoming/, and
//     the S3 notification starts the ingest, once with
//     INGEST_CHUNK_PRODUCTS=0 (the whole file in one invocation) and once
//     chunked (default 25,000 products a chunk, each chunk written by its
//     own invocation), each into a fresh table.
//
// Per size and mode it reports the wall time until the catalog is done,
// the longest invocation, the invocations, the requests by operation, the
// estimated write units and their rate, and the model's floor: the write
// units at the 4,000 WCU/s a new on-demand table sustains.
package main

import (
	"os"
)

func main() {
	os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr))
}

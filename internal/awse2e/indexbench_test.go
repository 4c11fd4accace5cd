package awse2e

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

// tableFloorWCU is the write throughput a newly created on-demand table
// sustains (AWS's documented initial throughput, 4,000 write request
// units a second), and tableFloorShards the stream shards a table of that
// size starts with (one per partition, at 1,000 write units each).
const (
	tableFloorWCU    = 4000
	tableFloorShards = 4
)

// benchIndexer measures the indexer binary's throughput on stream records
// of product writes, per batch size, one invocation at a time (one
// shard, parallelization factor 1), and derives the parallelization factor
// that keeps the index up with writes at the table's floor.
func benchIndexer(t *testing.T, doc *strings.Builder) {
	const n = 6000
	fmt.Fprintf(doc, "### Indexer throughput (%d product writes, one invocation at a time)\n\n", n)
	doc.WriteString("The stream records of " + fmt.Sprint(n) + " product writes (moto's stream), handed to the indexer binary under the emulator in batches, " +
		"one invocation after the other, into a fresh index of the local OpenSearch node; wall time from the first invocation to the last answer.\n\n")
	doc.WriteString("| batch size | invocations | records/s | invocation p50 | invocation max |\n|---:|---:|---:|---:|---:|\n")
	best := 0.0
	for _, size := range []int{100, 500, 1000} {
		st := newStack(t)
		for start := 0; start < n; start += 200 {
			batch := make([]catalog.Product, 0, 200)
			for i := start; i < min(start+200, n); i++ {
				batch = append(batch, catalogtest.SampleProduct("acme", fmt.Sprintf("B%05d", i)))
			}
			if _, err := st.store.PutProducts(t.Context(), batch); err != nil {
				t.Fatal(err)
			}
		}
		recs := st.streamRecords()
		if len(recs) != n {
			t.Fatalf("%d stream records, want %d", len(recs), n)
		}
		indexer := st.lambda("indexer")
		var took []time.Duration
		began := time.Now()
		for start := 0; start < len(recs); start += size {
			var resp events.DynamoDBEventResponse
			t0 := time.Now()
			if err := indexer.Invoke(t.Context(), events.DynamoDBEvent{Records: recs[start:min(start+size, len(recs))]}, &resp); err != nil {
				t.Fatal(err)
			}
			took = append(took, time.Since(t0))
			if len(resp.BatchItemFailures) > 0 {
				t.Fatalf("indexer failures %v", resp.BatchItemFailures)
			}
		}
		wall := time.Since(began)
		if got := st.indexCount(); got != n {
			t.Fatalf("index holds %d documents, want %d", got, n)
		}
		slices.Sort(took)
		rate := float64(n) / wall.Seconds()
		best = max(best, rate)
		fmt.Fprintf(doc, "| %d | %d | %.0f | %s | %s |\n", size, len(took), rate, took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	}
	factor := int(math.Ceil(float64(tableFloorWCU) / (tableFloorShards * best)))
	fmt.Fprintf(doc, "\nAt the table's floor of %d product writes a second over %d stream shards, the index keeps up when each shard runs "+
		"%d / (%d × %.0f) = %.2f batches at once at the best rate measured here: a parallelization factor of %d. "+
		"The stacks set `streamParallelizationFactor` 4 (stacks/config.go), which leaves room for an OpenSearch domain slower than this node. "+
		"Keeping up, the last product is searchable about one batch after the last chunk is written: the largest invocation above.\n\n",
		tableFloorWCU, tableFloorShards, tableFloorWCU, tableFloorShards, best, float64(tableFloorWCU)/(tableFloorShards*best), factor)
}

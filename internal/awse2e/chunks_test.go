package awse2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// chunkRefs returns the chunk messages of ev, which must all be chunks.
func (st *stack) chunkRefs(ev events.SQSEvent) []contract.ChunkRef {
	st.t.Helper()
	refs := make([]contract.ChunkRef, len(ev.Records))
	for i, m := range ev.Records {
		var msg contract.ChunkMessage
		if err := json.Unmarshal([]byte(m.Body), &msg); err != nil || msg.IngestChunk.Catalog == "" {
			st.t.Fatalf("message %d is not a chunk: %s", i, m.Body)
		}
		refs[i] = msg.IngestChunk
	}
	return refs
}

// one is the event of one message.
func one(m events.SQSMessage) events.SQSEvent {
	return events.SQSEvent{Records: []events.SQSMessage{m}}
}

// catalogAsPartner reads the catalog through the api binary, as the
// partner's status page does.
func (st *stack) catalogAsPartner(key, id string) catalog.Catalog {
	st.t.Helper()
	status, body := st.apiAs(key, "GET", "/v1/catalogs/"+id, nil, "")
	if status != 200 {
		st.t.Fatalf("catalog %s: %d %s", id, status, body)
	}
	var c catalog.Catalog
	if err := json.Unmarshal(body, &c); err != nil {
		st.t.Fatal(err)
	}
	return c
}

// chunkFiles lists what is left under the catalog's chunk folder.
func (st *stack) chunkFiles(id string) []string {
	st.t.Helper()
	out, err := st.s3.ListObjectsV2(st.t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String(st.bucket()),
		Prefix: aws.String(contract.ReportsPrefix + id + "/chunks/")})
	if err != nil {
		st.t.Fatal(err)
	}
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

// TestChunkedIngest: a catalog too big for one run is read once, cut into
// chunks of 1,000 products queued on the ingest queue, and written by one
// run per chunk; the run of one chunk is killed in the middle and its
// chunk, delivered again, is written by another. The catalog ends done
// with the report of the whole file, the store and the index hold exactly
// its products, and the chunk files are gone. A second file then changes
// 2,900 products and drops 100: nothing is removed until its last chunk
// is written.
func TestChunkedIngest(t *testing.T) {
	st := newStack(t)
	st.lambdaEnv = append(st.lambdaEnv, contract.EnvIngestChunkProducts+"=1000", contract.EnvIngestMaxReceives+"=5")
	key := st.partnerKey("acme")
	const rows = 5000
	st.upload("incoming/acme/big.csv", catalogCSV(0, rows, nil, nil))
	chunks, id := st.readAndChunk(5)
	c := st.catalogAsPartner(key, id)
	if c.Status != catalog.StatusProcessing || c.Progress == nil || *c.Progress != (catalog.Progress{Rows: rows, ChunksTotal: 5}) {
		t.Fatalf("catalog once read: %s %+v", c.Status, c.Progress)
	}
	st.killMidChunk(chunks.Records[0], 1000)
	for _, m := range chunks.Records[1:] {
		if resp := st.ingest(one(m)); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("chunk run: %+v", resp)
		}
	}
	if c = st.catalogAsPartner(key, id); c.Status != catalog.StatusProcessing || c.Progress.ChunksDone != 4 {
		t.Fatalf("with the killed chunk missing: %s %+v", c.Status, c.Progress)
	}
	// SQS delivers the killed run's message again after its visibility
	// timeout: a run writes the chunk again and finishes the catalog.
	if resp := st.ingest(one(chunks.Records[0])); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("chunk delivered again: %+v", resp)
	}
	c = st.catalogAsPartner(key, id)
	r := c.Report
	if c.Status != catalog.StatusDone || r == nil || r.Rows != rows || r.Accepted != rows || r.Created != rows || r.Removed != 0 ||
		c.Progress == nil || c.Progress.ChunksDone != 5 {
		t.Fatalf("catalog after its chunks: %s %+v %+v", c.Status, r, c.Progress)
	}
	if left := st.chunkFiles(id); len(left) != 0 {
		t.Fatalf("chunk files left: %v", left)
	}
	st.storeAndIndexHold(rows)

	// A second file: 100 products gone, 2,900 renamed.
	st.upload("incoming/acme/big-2.csv", catalogCSV(0, rows, keys(0, 100), keys(2000, 4900)))
	chunks, id = st.readAndChunk(3)
	for _, m := range chunks.Records[:2] {
		st.ingest(one(m))
	}
	if n := len(st.storeIDs("acme")); n != rows {
		t.Fatalf("%d products before the last chunk: something was removed early", n)
	}
	st.ingest(one(chunks.Records[2]))
	c = st.catalogAsPartner(key, id)
	if r := c.Report; c.Status != catalog.StatusDone || r.Removed != 100 || r.Updated != 2900 || r.Unchanged != rows-100-2900 || r.Created != 0 {
		t.Fatalf("second catalog: %s %+v", c.Status, c.Report)
	}
	ids := st.storeAndIndexHold(rows - 100)
	if _, ok := ids["acme:K050"]; ok || !strings.HasPrefix(ids["acme:K2500"].Name, "Tabouret") {
		t.Fatalf("store after the second catalog: K050 kept or K2500 %q", ids["acme:K2500"].Name)
	}
	if res := st.search(url.Values{"q": {"tabouret"}, "partner": {"acme"}}); res.Total != 2900 {
		t.Fatalf("search 'tabouret' found %d, want 2900", res.Total)
	}
}

// readAndChunk hands the upload's S3 event to the ingest binary, checks
// that it wrote no product itself, and returns the chunks it queued and
// their catalog.
func (st *stack) readAndChunk(want int) (events.SQSEvent, string) {
	st.t.Helper()
	before := len(st.storeIDs("acme"))
	if resp := st.ingest(st.receive(1)); len(resp.BatchItemFailures) != 0 {
		st.t.Fatalf("reading run: %+v", resp)
	}
	if n := len(st.storeIDs("acme")); n != before {
		st.t.Fatalf("the reading run wrote %d products itself", n-before)
	}
	chunks := st.receive(want)
	return chunks, st.chunkRefs(chunks)[0].Catalog
}

// killMidChunk hands m to an ingest binary of its own and kills it once
// it has written part of the chunk's size products (the store held none).
func (st *stack) killMidChunk(m events.SQSMessage, size int) {
	st.t.Helper()
	doomed, err := awstest.StartLambda(st.t.Context(), env.binaries["ingest"], st.lambdaEnv)
	if err != nil {
		st.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- doomed.Invoke(st.t.Context(), one(m), nil) }()
	partial := 0
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if partial = len(st.storeIDs("acme")); partial > 0 {
			break
		}
	}
	doomed.Kill()
	st.t.Logf("the killed run answered: %v", <-done)
	if partial == 0 || partial >= size {
		st.t.Fatalf("the chunk's run was not killed in the middle (%d of its %d products written)", partial, size)
	}
}

// storeAndIndexHold indexes the stream's new records and checks that the
// store and the index hold n products; it returns the store's.
func (st *stack) storeAndIndexHold(n int) map[string]catalog.Product {
	st.t.Helper()
	ids := st.storeIDs("acme")
	if len(ids) != n {
		st.t.Fatalf("store holds %d products, want %d", len(ids), n)
	}
	if failed := st.indexRecords(st.streamRecords(), 100); len(failed) != 0 {
		st.t.Fatalf("indexer failures %v", failed)
	}
	if got := st.indexCount(); got != n {
		st.t.Fatalf("index holds %d documents, want %d", got, n)
	}
	return ids
}

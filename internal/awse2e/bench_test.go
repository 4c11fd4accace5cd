package awse2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
	"github.com/catalogsearch/catalogsearch/internal/s3blobs"
)

// EnvBenchOut, when set, makes TestBenchAWS run and write its report there
// (make bench-aws sets it to docs/bench/aws.md).
const EnvBenchOut = "AWS_BENCH_OUT"

// maxLambdaBytes is the size budget of one stripped (arm64, deployed)
// Lambda binary, 15 MiB; make bench-aws fails when one is over. The report
// gives the exact bytes too, since "MB" is also read as 10^6 bytes.
const maxLambdaBytes = 15 << 20

// counter is an SDK middleware that counts requests per service operation
// and estimates the DynamoDB write units of the successful ones, with
// DynamoDB's sizing rules (1 WCU per started KB written; 2 in transactions).
type counter struct {
	mu       sync.Mutex
	requests map[string]int
	wcu      float64
	items    map[string]int // items written per operation
}

func newCounter() *counter {
	return &counter{requests: map[string]int{}, items: map[string]int{}}
}

func (c *counter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.requests, c.items, c.wcu = map[string]int{}, map[string]int{}, 0
}

func (c *counter) option(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("countRequests",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			op := awsmiddleware.GetServiceID(ctx) + "." + awsmiddleware.GetOperationName(ctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.requests[op]++
			if err == nil {
				units, items := writeUnits(in.Parameters)
				c.wcu += units
				if items > 0 {
					c.items[op] += items
				}
			}
			return out, md, err
		}), middleware.After)
}

func writeUnits(params any) (float64, int) {
	kb := func(item map[string]types.AttributeValue) float64 {
		return math.Max(1, math.Ceil(float64(itemBytes(item))/1024))
	}
	switch p := params.(type) {
	case *dynamodb.PutItemInput:
		return kb(p.Item), 1
	case *dynamodb.DeleteItemInput, *dynamodb.UpdateItemInput:
		return 1, 1
	case *dynamodb.BatchWriteItemInput:
		var u float64
		n := 0
		for _, reqs := range p.RequestItems {
			for _, r := range reqs {
				n++
				if r.PutRequest != nil {
					u += kb(r.PutRequest.Item)
				} else {
					u++
				}
			}
		}
		return u, n
	case *dynamodb.TransactWriteItemsInput:
		var u float64
		for _, it := range p.TransactItems {
			if it.Put != nil {
				u += 2 * kb(it.Put.Item)
			} else {
				u += 2
			}
		}
		return u, len(p.TransactItems)
	}
	return 0, 0
}

func itemBytes(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueBytes(v)
	}
	return n
}

func valueBytes(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value)/2 + 1
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + itemBytes(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueBytes(e)
		}
		return n
	}
	return 1
}

func (c *counter) summary() (total int, byOp string, items int, wcu float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var ops []string
	for op, n := range c.requests {
		total += n
		ops = append(ops, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(ops)
	// Product items are PutItem writes (dynamostore.PutProducts);
	// BatchWriteItem carries the history items of the changes (and the
	// tombstones of removals), counted in the write units, not here.
	for op, n := range c.items {
		if strings.HasSuffix(op, ".PutItem") {
			items += n
		}
	}
	return total, strings.Join(ops, ", "), items, c.wcu
}

// TestBenchAWS measures what make bench-aws reports: requests and write
// units per ingest (in process, through the real adapters on moto), the
// stripped arm64 binary sizes, and cold starts under the emulator.
func TestBenchAWS(t *testing.T) {
	out := os.Getenv(EnvBenchOut)
	if out == "" {
		t.Skip(EnvBenchOut + " is not set: make bench-aws runs this")
	}
	requirePeers(t)
	var doc strings.Builder
	doc.WriteString("## AWS code path (moto, OpenSearch, Lambda emulator)\n\n")
	doc.WriteString("Reproduce with `make bench-aws` (runs `" + EnvBenchOut + "=docs/bench/aws.md go test -run TestBenchAWS ./internal/awse2e` with moto and a local OpenSearch node).\n\n")
	benchIngestCost(t, &doc)
	benchIndexer(t, &doc)
	benchBinarySizes(t, &doc)
	benchColdStarts(t, &doc)
	if err := os.WriteFile(out, []byte(doc.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + doc.String())
}

func benchIngestCost(t *testing.T, doc *strings.Builder) {
	st := newStack(t)
	cnt := newCounter()
	cfg := st.cfg.Copy()
	cfg.APIOptions = append(cfg.APIOptions, cnt.option)
	store := dynamostore.New(dynamodb.NewFromConfig(cfg), st.name+"-table", dynamostore.Options{})
	blobs := s3blobs.New(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), st.bucket(), s3blobs.Options{})
	svc := ingest.New(ingest.Deps{Store: store, Blobs: blobs})
	const n = 5000
	changed := keys(0, n/100) // 1% of the products renamed
	runs := []struct {
		name, csv string
	}{
		{"first ingest", catalogCSV(0, n, nil, nil)},
		{"same file again (unchanged)", catalogCSV(0, n, nil, nil)},
		{"1% of products changed", catalogCSV(0, n, nil, changed)},
	}
	fmt.Fprintf(doc, "### Requests and DynamoDB write units per ingest (%d products)\n\n", n)
	doc.WriteString("Counted by an SDK middleware on the ingest's own clients; write units estimated from the item sizes sent ")
	doc.WriteString("(1 WCU per started KB, 2 in a transaction), since moto does not meter capacity.\n\n")
	doc.WriteString("| upload | requests | product items written | est. write units | requests by operation |\n|---|---:|---:|---:|---|\n")
	items := make([]int, len(runs))
	for i, r := range runs {
		key := "incoming/acme/bench.csv"
		st.upload(key, r.csv)
		time.Sleep(1100 * time.Millisecond) // a new modification time: a new catalog, as a real re-upload
		cnt.reset()
		start := time.Now()
		c, err := svc.Ingest(t.Context(), ingest.Request{Partner: "acme", Key: key})
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		total, byOp, written, wcu := cnt.summary()
		items[i] = written
		fmt.Fprintf(doc, "| %s (%s, %s) | %d | %d | %.0f | %s |\n", r.name, c.Status, took.Round(time.Millisecond), total, written, wcu, byOp)
	}
	fmt.Fprintf(doc, "\nRe-ingesting the unchanged file wrote %d product items; the 1%% change wrote %d (%.1f%% of the catalog).\n\n",
		items[1], items[2], 100*float64(items[2])/n)
	if items[1] != 0 {
		t.Errorf("re-ingesting an unchanged catalog wrote %d product items", items[1])
	}
	if items[2] > n/100+n/200 {
		t.Errorf("a 1%% change wrote %d items of %d", items[2], n)
	}
}

func benchBinarySizes(t *testing.T, doc *strings.Builder) {
	root, err := awstest.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	doc.WriteString("### Lambda binaries (linux/arm64, `-tags lambda.norpc`, `-trimpath -ldflags=-s -w`)\n\n| lambda | size | bytes | budget |\n|---|---:|---:|---|\n")
	for _, name := range []string{"api", "indexer", "ingest", "reindex"} {
		out := filepath.Join(dir, name)
		cmd := awstest.GoBuildCommand(t.Context(), root, out, "./lambdas/"+name, "GOOS=linux", "GOARCH=arm64")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v: %s", name, err, b)
		}
		fi, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		ok := "under 15 MiB"
		if fi.Size() >= maxLambdaBytes {
			ok = "OVER 15 MiB"
			t.Errorf("lambdas/%s is %d bytes", name, fi.Size())
		}
		fmt.Fprintf(doc, "| %s | %.2f MiB | %d | %s |\n", name, float64(fi.Size())/(1<<20), fi.Size(), ok)
	}
	doc.WriteString("\n")
}

func benchColdStarts(t *testing.T, doc *strings.Builder) {
	st := newStack(t)
	evs := map[string]any{
		"api":     events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/health"},
		"indexer": events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{}},
		"ingest":  events.SQSEvent{Records: []events.SQSMessage{}},
		"reindex": map[string]any{},
	}
	const runs = 5
	doc.WriteString("### Cold start under the Runtime Interface Emulator (linux/amd64 build of the same code)\n\n")
	fmt.Fprintf(doc, "From starting the emulator process until it listens, plus the first invocation to its response (the emulator starts the binary at the first invocation, ")
	fmt.Fprintf(doc, "as Lambda does); median and worst of %d cold starts; target under 100 ms. The first invocation includes loading the ", runs)
	doc.WriteString("AWS configuration and, for the OpenSearch users, checking the index template on the node; the reindex figure includes its (empty-table) run.\n\n")
	doc.WriteString("| lambda | median | worst |\n|---|---:|---:|\n")
	for _, name := range []string{"api", "indexer", "ingest", "reindex"} {
		var ds []time.Duration
		for range runs {
			l, err := awstest.StartLambda(t.Context(), env.binaries[name], st.lambdaEnv)
			if err != nil {
				t.Fatal(err)
			}
			invoked := time.Now()
			if err := l.Invoke(t.Context(), evs[name], nil); err != nil {
				l.Stop()
				t.Fatalf("%s: %v\n%s", name, err, l.Log())
			}
			// The emulator's start-up and the first invocation, without
			// StartLambda's wait that the emulator keeps its ports.
			ds = append(ds, l.Startup+time.Since(invoked))
			l.Stop()
		}
		slices.Sort(ds)
		fmt.Fprintf(doc, "| %s | %.0f ms | %.0f ms |\n", name, ms(ds[len(ds)/2]), ms(ds[len(ds)-1]))
	}
	doc.WriteString("\n")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package awse2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// EnvOpenSearchURL names the OpenSearch node the tests index into
// (make test-aws starts one with scripts/opensearch.sh).
const EnvOpenSearchURL = "OPENSEARCH_URL"

// peers is what TestMain started and built for the whole test binary.
type peers struct {
	moto       *awstest.Moto
	openSearch string
	binaries   map[string]string // lambda name -> bootstrap path
	missing    error             // why the peers are absent (tests skip or fail)
}

var env peers

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		env.moto = srv
		env.openSearch = os.Getenv(EnvOpenSearchURL)
		switch {
		case srv == nil:
			env.missing = awstest.ErrNoMoto
		case env.openSearch == "":
			env.missing = fmt.Errorf("%s is not set: make test-aws starts a node and sets it", EnvOpenSearchURL)
		default:
			if _, err := awstest.RIEBinary(); err != nil {
				env.missing = err
				break
			}
			dir, err := os.MkdirTemp("", "awse2e-bin")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
			defer os.RemoveAll(dir)
			env.binaries = map[string]string{}
			ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
			defer cancel()
			for _, name := range []string{"ingest", "indexer", "api", "reindex", "images"} {
				p, err := awstest.BuildLambda(ctx, name, dir)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					return 1
				}
				env.binaries[name] = p
			}
		}
		return m.Run()
	}))
}

// requirePeers skips (or, under make test-aws, fails) without the peers.
func requirePeers(t *testing.T) {
	t.Helper()
	if env.missing == nil {
		return
	}
	if os.Getenv(awstest.EnvRequired) == "1" {
		t.Fatal(env.missing)
	}
	t.Skip(env.missing.Error())
}

var stackSeq atomic.Int64

// stack is one deployment of the pipeline on the peers: its own bucket,
// queue, table and index alias, and the Lambda binaries under the
// emulator.
type stack struct {
	t         *testing.T
	name      string
	cfg       aws.Config
	s3        *s3.Client
	sqs       *sqs.Client
	ddb       *dynamodb.Client
	store     *dynamostore.Store
	index     *osindex.Index
	queueURL  string
	queueARN  string
	imagesURL string // the images queue (FIFO), fed by the ingest binary
	stream    *awstest.StreamReader
	lambdaEnv []string
	lambdas   map[string]*awstest.Lambda
}

func newStack(t *testing.T) *stack {
	t.Helper()
	requirePeers(t)
	ctx := t.Context()
	n := stackSeq.Add(1)
	st := &stack{
		t:       t,
		name:    fmt.Sprintf("e2e%d-%d", time.Now().Unix()%100000, n),
		cfg:     env.moto.Config(),
		lambdas: map[string]*awstest.Lambda{},
	}
	st.s3 = awstest.S3Client(st.cfg)
	st.sqs = sqs.NewFromConfig(st.cfg)
	st.ddb = dynamodb.NewFromConfig(st.cfg)
	alias := st.name + "-products"
	// The resources the data stack deploys for the pipeline: the bucket
	// with its incoming/ notification, the ingest and images queues, the
	// table with its stream.
	res, err := awstest.NewIngestStack(ctx, st.cfg, st.name)
	if err != nil {
		t.Fatal(err)
	}
	table := res.Table
	st.store = dynamostore.New(st.ddb, table, dynamostore.Options{})
	st.queueURL, st.queueARN, st.imagesURL = res.QueueURL, res.QueueARN, res.ImagesQueueURL
	st.index, err = osindex.New(ctx, osindex.Config{URL: env.openSearch, Alias: alias})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.index.Drop(context.Background()) })
	st.stream, err = awstest.NewStreamReader(ctx, st.cfg, table)
	if err != nil {
		t.Fatal(err)
	}
	st.lambdaEnv = append(res.LambdaEnv(env.moto.Endpoint),
		contract.EnvOpenSearchEndpoint+"="+env.openSearch,
		contract.EnvIndexAlias+"="+alias,
		contract.EnvLogLevel+"=info",
		contract.EnvUploadMaxBytes+"=104857600",
	)
	return st
}

func (st *stack) bucket() string { return st.name + "-files" }

// lambda returns the named Lambda, started under the emulator on first use.
func (st *stack) lambda(name string) *awstest.Lambda {
	st.t.Helper()
	if l := st.lambdas[name]; l != nil {
		return l
	}
	l, err := awstest.StartLambda(st.t.Context(), env.binaries[name], st.lambdaEnv)
	if err != nil {
		st.t.Fatal(err)
	}
	st.lambdas[name] = l
	st.t.Cleanup(func() {
		l.Stop()
		if st.t.Failed() {
			st.t.Logf("%s log:\n%s", name, tail(l.Log(), 4000))
		}
	})
	return l
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// upload puts a catalog file into the bucket, as a partner's upload does.
func (st *stack) upload(key, content string) {
	st.t.Helper()
	_, err := st.s3.PutObject(st.t.Context(), &s3.PutObjectInput{Bucket: aws.String(st.bucket()), Key: aws.String(key), Body: strings.NewReader(content)})
	if err != nil {
		st.t.Fatal(err)
	}
}

// receive waits for at least want messages of the ingest queue and returns
// them as the Lambda's SQS event, without deleting them.
func (st *stack) receive(want int) events.SQSEvent {
	st.t.Helper()
	var ev events.SQSEvent
	deadline := time.Now().Add(20 * time.Second)
	for len(ev.Records) < want && time.Now().Before(deadline) {
		out, err := st.sqs.ReceiveMessage(st.t.Context(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(st.queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			st.t.Fatal(err)
		}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
				Md5OfBody: aws.ToString(m.MD5OfBody), Attributes: m.Attributes, EventSource: "aws:sqs",
				EventSourceARN: st.queueARN, AWSRegion: awstest.Region,
			})
		}
	}
	if len(ev.Records) < want {
		st.t.Fatalf("%d messages on the ingest queue after 20s, want %d", len(ev.Records), want)
	}
	return ev
}

// ingest hands ev to the ingest binary and, as the event source mapping
// does, deletes the messages it did not report as failed.
func (st *stack) ingest(ev events.SQSEvent) events.SQSEventResponse {
	st.t.Helper()
	var resp events.SQSEventResponse
	if err := st.lambda("ingest").Invoke(st.t.Context(), ev, &resp); err != nil {
		st.t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, m := range ev.Records {
		if failed[m.MessageId] {
			continue
		}
		if _, err := st.sqs.DeleteMessage(st.t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(st.queueURL), ReceiptHandle: aws.String(m.ReceiptHandle)}); err != nil {
			st.t.Fatal(err)
		}
	}
	return resp
}

// streamRecords reads the table's stream records written since the last
// call.
func (st *stack) streamRecords() []events.DynamoDBEventRecord {
	st.t.Helper()
	recs, err := st.stream.Next(st.t.Context())
	if err != nil {
		st.t.Fatal(err)
	}
	return recs
}

// index hands stream records to the indexer binary in batches of size
// (the mapping's BatchSize) and returns the failures it reported.
func (st *stack) indexRecords(recs []events.DynamoDBEventRecord, size int) []string {
	st.t.Helper()
	var failed []string
	for start := 0; start < len(recs); start += size {
		batch := events.DynamoDBEvent{Records: recs[start:min(start+size, len(recs))]}
		var resp events.DynamoDBEventResponse
		if err := st.lambda("indexer").Invoke(st.t.Context(), batch, &resp); err != nil {
			st.t.Fatal(err)
		}
		for _, f := range resp.BatchItemFailures {
			failed = append(failed, f.ItemIdentifier)
		}
	}
	return failed
}

// api sends one GET as an API Gateway REST proxy event to the api binary.
func (st *stack) api(path string, query url.Values) (int, []byte) {
	st.t.Helper()
	return st.apiDo("GET", path, query, "")
}

// apiDo sends one request as an API Gateway REST proxy event to the api
// binary.
func (st *stack) apiDo(method, path string, query url.Values, body string) (int, []byte) {
	st.t.Helper()
	return st.apiAs("", method, path, query, body)
}

// apiAs sends one request with a partner's API key (none when empty) as
// API Gateway passes it: an x-api-key header.
func (st *stack) apiAs(key, method, path string, query url.Values, body string) (int, []byte) {
	st.t.Helper()
	resp := st.apiResponse(key, method, path, query, body)
	return resp.StatusCode, []byte(resp.Body)
}

// apiResponse sends one request as apiAs does and returns the whole
// answer, headers included.
func (st *stack) apiResponse(key, method, path string, query url.Values, body string) events.APIGatewayProxyResponse {
	st.t.Helper()
	ev := events.APIGatewayProxyRequest{
		HTTPMethod: method, Path: path, Resource: "/v1/{proxy+}", Body: body,
		MultiValueQueryStringParameters: query,
		Headers:                         map[string]string{"Accept": "application/json", "Content-Type": "application/json"},
		RequestContext:                  events.APIGatewayProxyRequestContext{RequestID: fmt.Sprintf("req-%d", time.Now().UnixNano()), Stage: "api"},
	}
	if key != "" {
		ev.Headers["x-api-key"] = key
		ev.RequestContext.Identity.APIKey = key
	}
	var resp events.APIGatewayProxyResponse
	if err := st.lambda("api").Invoke(st.t.Context(), ev, &resp); err != nil {
		st.t.Fatal(err)
	}
	return resp
}

// partnerKey issues an API key for partner the way docs/operations.md
// tells operators to: catalogctl partner-key's registry writes the digest
// under a scratch data folder, and that object is copied into the bucket
// under the same key (aws s3 cp).
func (st *stack) partnerKey(partner string) string {
	st.t.Helper()
	root := filepath.Join(st.t.TempDir(), "blobs")
	scratch, err := diskblobs.New(root)
	if err != nil {
		st.t.Fatal(err)
	}
	key, err := partnerkeys.New(scratch).Issue(st.t.Context(), partner)
	if err != nil {
		st.t.Fatal(err)
	}
	object := partnerkeys.RecordKey(key)
	record, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(object)))
	if err != nil || !strings.HasPrefix(object, contract.PartnersPrefix+"_keys/") {
		st.t.Fatalf("key record %s: %v", object, err)
	}
	st.upload(object, string(record))
	return key
}

// search runs a search through the api binary.
func (st *stack) search(q url.Values) catalog.Result {
	st.t.Helper()
	status, body := st.api("/v1/search", q)
	if status != 200 {
		st.t.Fatalf("search %v: %d %s", q, status, body)
	}
	var res catalog.Result
	if err := json.Unmarshal(body, &res); err != nil {
		st.t.Fatal(err)
	}
	return res
}

// storeIDs returns the ids of the partner's products in DynamoDB.
func (st *stack) storeIDs(partner string) map[string]catalog.Product {
	st.t.Helper()
	out := map[string]catalog.Product{}
	for p, err := range st.store.Products(st.t.Context(), partner) {
		if err != nil {
			st.t.Fatal(err)
		}
		out[p.ID] = p
	}
	return out
}

// indexCount refreshes the index and counts its documents.
func (st *stack) indexCount() int {
	st.t.Helper()
	if err := st.index.Refresh(st.t.Context()); err != nil {
		st.t.Fatal(err)
	}
	n, err := st.index.Count(st.t.Context())
	if err != nil {
		st.t.Fatal(err)
	}
	return n
}

// pipeline runs one upload through every stage: the queue's messages to
// the ingest binary, the stream's records to the indexer binary.
func (st *stack) pipeline(messages int) (events.SQSEventResponse, []string) {
	st.t.Helper()
	resp := st.ingest(st.receive(messages))
	failed := st.indexRecords(st.streamRecords(), 100)
	if err := st.index.Refresh(st.t.Context()); err != nil {
		st.t.Fatal(err)
	}
	return resp, failed
}

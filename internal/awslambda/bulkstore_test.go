package awslambda_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// throttlingTable answers the next n PutItem requests with DynamoDB's
// throttling error, as a table past its throughput does, and sends every
// other request to moto.
type throttlingTable struct {
	left, throttled atomic.Int64
}

func (c *throttlingTable) Do(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutItem") && c.left.Add(-1) >= 0 {
		c.throttled.Add(1)
		body := `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"The level of configured provisioned throughput for the table was exceeded."}`
		return &http.Response{
			StatusCode: 400, Status: "400 Bad Request", Request: r, ContentLength: int64(len(body)),
			Header: http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
			Body:   io.NopCloser(strings.NewReader(body)),
		}, nil
	}
	return http.DefaultClient.Do(r)
}

// TestBulkStoreOutlastsThrottling: a write throttled 5 times in a row (a
// table shared by chunk runs asking for more than its throughput) fails
// with the api Lambda's store, which gives up after the SDK's default
// retries, and goes through with the ingest's BulkStore, which keeps
// retrying.
func TestBulkStoreOutlastsThrottling(t *testing.T) {
	awstest.Require(t, moto)
	table := "bulk" + strings.ReplaceAll(t.Name(), "/", "")
	if err := dynamostore.CreateTable(t.Context(), dynamodb.NewFromConfig(moto.Config()), table); err != nil {
		t.Fatal(err)
	}
	tc := &throttlingTable{}
	cfg := moto.Config()
	cfg.HTTPClient = tc
	env := awslambda.Env{Config: awslambda.Config{Table: table}, AWS: cfg}
	p := catalog.Product{ID: catalog.ProductID("acme", "T1"), Partner: "acme", Key: "T1", SKU: "T1", Name: "throttled",
		UpdatedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}

	api, err := env.Store()
	if err != nil {
		t.Fatal(err)
	}
	tc.left.Store(5)
	if _, err := api.PutProducts(t.Context(), []catalog.Product{p}); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("api store throttled 5 times: %v, want code unavailable", err)
	}
	if got := tc.throttled.Load(); got >= 5 {
		t.Fatalf("api store made %d throttled attempts, want it to give up sooner (the SDK's default retries)", got)
	}

	bulk, err := env.BulkStore()
	if err != nil {
		t.Fatal(err)
	}
	tc.left.Store(5)
	tc.throttled.Store(0)
	got, err := bulk.PutProducts(t.Context(), []catalog.Product{p})
	if err != nil || len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("bulk store throttled 5 times: %v, %v; want the product written, version 1", err, got)
	}
	if n := tc.throttled.Load(); n != 5 {
		t.Fatalf("%d throttled attempts, want 5", n)
	}
}

package awslambda_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

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
	tc := &awstest.PutItemThrottler{}
	cfg := moto.Config()
	cfg.HTTPClient = tc
	env := awslambda.Env{Config: awslambda.Config{Table: table}, AWS: cfg}
	p := catalog.Product{ID: catalog.ProductID("acme", "T1"), Partner: "acme", Key: "T1", SKU: "T1", Name: "throttled",
		UpdatedAt: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}

	api, err := env.Store()
	if err != nil {
		t.Fatal(err)
	}
	tc.Left.Store(5)
	if _, err := api.PutProducts(t.Context(), []catalog.Product{p}); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("api store throttled 5 times: %v, want code unavailable", err)
	}
	if got := tc.Throttled.Load(); got >= 5 {
		t.Fatalf("api store made %d throttled attempts, want it to give up sooner (the SDK's default retries)", got)
	}

	bulk, err := env.BulkStore()
	if err != nil {
		t.Fatal(err)
	}
	tc.Left.Store(5)
	tc.Throttled.Store(0)
	got, err := bulk.PutProducts(t.Context(), []catalog.Product{p})
	if err != nil || len(got) != 1 || got[0].Version != 1 {
		t.Fatalf("bulk store throttled 5 times: %v, %v; want the product written, version 1", err, got)
	}
	if n := tc.Throttled.Load(); n != 5 {
		t.Fatalf("%d throttled attempts, want 5", n)
	}
}

package dynamostore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

func TestThrottlingIsRetriedThenUnavailable(t *testing.T) {
	_, name := newTable(t)
	tc := &awstest.PutItemThrottler{}
	client := dynamodb.NewFromConfig(moto.Config(), func(o *dynamodb.Options) {
		o.HTTPClient = tc
		o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
			so.MaxAttempts = 4
			so.MaxBackoff = 5 * time.Millisecond
		})
	})
	s := dynamostore.New(client, name, dynamostore.Options{})
	p := product("acme", "T", "n")

	tc.Left.Store(2) // two throttles, then through: the SDK's retries absorb them
	got, err := s.PutProducts(t.Context(), []catalog.Product{p})
	if err != nil || got[0].Version != 1 || tc.Throttled.Load() != 2 {
		t.Fatalf("after 2 throttles: %v, version %v, %d throttled", err, got, tc.Throttled.Load())
	}
	tc.Left.Store(100) // throttled beyond the retries: a retryable domain error
	_, err = s.PutProducts(t.Context(), []catalog.Product{p})
	if catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("persistent throttling: %v, want code unavailable", err)
	}
	if msg := catalog.MessageOf(err); strings.Contains(msg, "provisioned") {
		t.Fatalf("backend text leaks to users: %q", msg)
	}
}

// TestBatchWritesOutlastATableAtItsThroughput: 60 history items written
// in parallel batches of 25 into a table that takes 6 write units a
// second (awstest.LatencyProxy's write limit, which returns the items over
// it unprocessed, as DynamoDB does) take some 10 s, each batch written in
// part many times over; a batch that keeps being written in part is not
// given up on, and every item is stored.
func TestBatchWritesOutlastATableAtItsThroughput(t *testing.T) {
	awstest.Require(t, moto)
	p, err := awstest.StartLatencyProxy(moto.Endpoint, 0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := dynamodb.NewFromConfig(awstest.Config(p.Endpoint))
	name := fmt.Sprintf("slow%d", time.Now().UnixNano())
	if err := dynamostore.CreateTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	p.SetWriteLimit(6)
	p.Reset()
	s := dynamostore.New(client, name, dynamostore.Options{})
	var changes []catalog.ProductChange
	for i := range 60 {
		changes = append(changes, catalog.ProductChange{CatalogID: "cslow", ProductID: catalog.ProductID("acme", fmt.Sprintf("K%03d", i)),
			Kind: catalog.ChangeRemoved, Name: "n", At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)})
	}
	if err := s.PutChanges(t.Context(), changes); err != nil {
		t.Fatalf("PutChanges at the table's throughput: %v", err)
	}
	if st := p.Stats(); st.Unprocessed == 0 {
		t.Fatalf("no item came back unprocessed (%v): the limit did not bite", st.Ops())
	}
	n, after := 0, ""
	for {
		page, err := s.CatalogChanges(t.Context(), "cslow", after, 0)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Changes)
		if after = page.Next; after == "" {
			break
		}
	}
	if n != 60 {
		t.Fatalf("%d changes stored, want 60", n)
	}
}

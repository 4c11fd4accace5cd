package awstest_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
)

// TestLatencyProxyWriteLimit: under a write limit of 10 units a second,
// three 3-unit puts go through, the fourth is answered with DynamoDB's
// throttling error and never reaches moto; once the bucket has refilled a
// put goes through again (the bucket's clock is the test's), and an SDK
// client with the SDK's backoff and enough attempts outlasts the
// throttling (real time). Reads are never limited.
func TestLatencyProxyWriteLimit(t *testing.T) {
	ctx := t.Context()
	p, noRetry, name := limitedTable(t, 10)
	clock := time.Now()
	p.SetClock(func() time.Time { return clock })
	p.SetWriteLimit(10)
	put := func(c *dynamodb.Client, pk string) error {
		_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]ddbtypes.AttributeValue{"pk": s(pk), "v": s(big)}})
		return err
	}
	for _, pk := range []string{"a", "b", "c"} {
		mustNot(t, "PutItem "+pk, put(noRetry, pk))
	}
	err := put(noRetry, "d")
	var pte *ddbtypes.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Fatalf("fourth put: %v, want ProvisionedThroughputExceededException", err)
	}
	got, err := noRetry.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: map[string]ddbtypes.AttributeValue{"pk": s("d")}, ConsistentRead: aws.Bool(true)})
	mustNot(t, "GetItem", err)
	if got.Item != nil {
		t.Fatal("the throttled put reached the table")
	}
	clock = clock.Add(400 * time.Millisecond) // 4 units back: 5
	mustNot(t, "PutItem after the refill", put(noRetry, "e"))

	p.SetClock(time.Now) // 10 units (a second's worth) at the next write
	retrying := dynamodb.NewFromConfig(awstest.Config(p.Endpoint), func(o *dynamodb.Options) {
		o.Retryer = retry.AddWithMaxAttempts(retry.NewStandard(), 10) // the SDK's backoff, attempts enough to outlast it
	})
	for _, pk := range []string{"f", "g", "h", "i"} {
		mustNot(t, "PutItem with retries "+pk, put(retrying, pk))
	}
	st := p.Stats()
	if st.Throttled["DynamoDB.PutItem"] < 2 || st.Errors["DynamoDB.PutItem"] != st.Throttled["DynamoDB.PutItem"] {
		t.Errorf("throttled %v, errors %v: want the fourth put and the retried ones throttled, and only those failed", st.Throttled, st.Errors)
	}
	if st.WCU != 8*3 {
		t.Errorf("estimated write units %v, want the 8 puts that went through (24)", st.WCU)
	}
	if st.Requests["DynamoDB.GetItem"] != 1 || st.Errors["DynamoDB.GetItem"] != 0 {
		t.Errorf("reads %v / %v: never limited", st.Requests, st.Errors)
	}
}

// TestLatencyProxyWriteLimitBatch: a batch of five 3-unit puts under a
// limit of 10 units a second is written in part, as DynamoDB does: three
// items go to the table, two come back as UnprocessedItems (with an
// answer whose CRC32 the SDK accepts); a batch when no item fits is
// throttled whole.
func TestLatencyProxyWriteLimitBatch(t *testing.T) {
	ctx := t.Context()
	p, ddb, name := limitedTable(t, 10)
	clock := time.Now()
	p.SetClock(func() time.Time { return clock }) // no refill during the test
	p.SetWriteLimit(10)
	batch := func(pks ...string) (*dynamodb.BatchWriteItemOutput, error) {
		var reqs []ddbtypes.WriteRequest
		for _, pk := range pks {
			reqs = append(reqs, ddbtypes.WriteRequest{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s(pk), "v": s(big)}}})
		}
		return ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{name: reqs}})
	}
	out, err := batch("a", "b", "c", "d", "e")
	mustNot(t, "BatchWriteItem", err)
	var held []string
	for _, r := range out.UnprocessedItems[name] {
		held = append(held, r.PutRequest.Item["pk"].(*ddbtypes.AttributeValueMemberS).Value)
	}
	if strings.Join(held, ",") != "d,e" {
		t.Fatalf("unprocessed %v, want d,e", held)
	}
	for pk, want := range map[string]bool{"a": true, "b": true, "c": true, "d": false, "e": false} {
		got, err := ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: map[string]ddbtypes.AttributeValue{"pk": s(pk)}, ConsistentRead: aws.Bool(true)})
		mustNot(t, "GetItem", err)
		if (got.Item != nil) != want {
			t.Errorf("item %s in the table: %v, want %v", pk, got.Item != nil, want)
		}
	}
	_, err = batch("f", "g")
	var pte *ddbtypes.ProvisionedThroughputExceededException
	if !errors.As(err, &pte) {
		t.Fatalf("a batch with no room: %v, want ProvisionedThroughputExceededException", err)
	}
	st := p.Stats()
	if st.Unprocessed != 2 || st.Throttled["DynamoDB.BatchWriteItem"] != 1 || st.WCU != 9 || st.Items["DynamoDB.BatchWriteItem"] != 3 {
		t.Errorf("unprocessed %d, throttled %v, WCU %v, items %v; want 2, 1 batch, 9 and 3", st.Unprocessed, st.Throttled, st.WCU, st.Items)
	}
}

// big is an attribute value that makes an item of 3 write units with its
// key.
var big = strings.Repeat("x", 2500)

func s(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }

// limitedTable starts a proxy without latency in front of moto, creates a
// table through it, and sets its write limit to unitsPerSecond with fresh
// counters; the client does not retry. The proxy stops when the test
// ends.
func limitedTable(t *testing.T, unitsPerSecond float64) (*awstest.LatencyProxy, *dynamodb.Client, string) {
	t.Helper()
	awstest.Require(t, moto)
	p, err := awstest.StartLatencyProxy(moto.Endpoint, 0, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	ddb := dynamodb.NewFromConfig(awstest.Config(p.Endpoint), func(o *dynamodb.Options) { o.Retryer = aws.NopRetryer{} })
	name := fmt.Sprintf("limit-%d", time.Now().UnixNano())
	mustNot(t, "CreateTable", createTable(t.Context(), ddb, name))
	p.SetWriteLimit(unitsPerSecond)
	p.Reset()
	return p, ddb, name
}

package awstest_test

import (
	"context"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
)

var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		moto = srv
		return m.Run()
	}))
}

func TestOperation(t *testing.T) {
	tests := []struct {
		method, path, target, ctype, body, copySource string
		want                                          string
	}{
		{method: "POST", path: "/", target: "DynamoDB_20120810.PutItem", want: "DynamoDB.PutItem"},
		{method: "POST", path: "/", target: "DynamoDB_20120810.BatchWriteItem", want: "DynamoDB.BatchWriteItem"},
		{method: "POST", path: "/", target: "DynamoDBStreams_20120810.GetRecords", want: "DynamoDBStreams.GetRecords"},
		{method: "POST", path: "/", target: "AmazonSQS.SendMessageBatch", want: "SQS.SendMessageBatch"},
		{method: "POST", path: "/", ctype: "application/x-www-form-urlencoded; charset=utf-8", body: "Action=ReceiveMessage&Version=2012-11-05", want: "SQS.ReceiveMessage"},
		{method: "GET", path: "/", want: "S3.ListBuckets"},
		{method: "PUT", path: "/b", want: "S3.CreateBucket"},
		{method: "PUT", path: "/b?notification=", want: "S3.PutBucketNotificationConfiguration"},
		{method: "GET", path: "/b?list-type=2&prefix=x", want: "S3.ListObjectsV2"},
		{method: "GET", path: "/b/", want: "S3.ListObjects"},
		{method: "HEAD", path: "/b", want: "S3.HeadBucket"},
		{method: "POST", path: "/b?delete=", want: "S3.DeleteObjects"},
		{method: "GET", path: "/b/incoming/p/f.csv", want: "S3.GetObject"},
		{method: "HEAD", path: "/b/k", want: "S3.HeadObject"},
		{method: "PUT", path: "/b/k", want: "S3.PutObject"},
		{method: "PUT", path: "/b/k", copySource: "/b/j", want: "S3.CopyObject"},
		{method: "PUT", path: "/b/k?partNumber=2&uploadId=u", want: "S3.UploadPart"},
		{method: "POST", path: "/b/k?uploads=", want: "S3.CreateMultipartUpload"},
		{method: "POST", path: "/b/k?uploadId=u", want: "S3.CompleteMultipartUpload"},
		{method: "DELETE", path: "/b/k", want: "S3.DeleteObject"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			r, err := http.NewRequestWithContext(t.Context(), tt.method, "http://127.0.0.1:1"+tt.path, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			if tt.target != "" {
				r.Header.Set("X-Amz-Target", tt.target)
			}
			if tt.ctype != "" {
				r.Header.Set("Content-Type", tt.ctype)
			}
			if tt.copySource != "" {
				r.Header.Set("X-Amz-Copy-Source", tt.copySource)
			}
			var body []byte
			if tt.body != "" {
				body = []byte(tt.body)
			}
			if got := awstest.Operation(r, body); got != tt.want {
				t.Fatalf("Operation = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteUnits(t *testing.T) {
	kb := strings.Repeat("x", 1024)
	tests := []struct {
		name, op, body string
		units          float64
		items          int
	}{
		{"small put", "DynamoDB.PutItem", `{"TableName":"t","Item":{"pk":{"S":"a"},"n":{"N":"12345"}}}`, 1, 1},
		// name "pk" 2 + 1024 + "v" 1 + "N" 1 -> 1028 bytes: 2 units.
		{"put over a KB", "DynamoDB.PutItem", `{"Item":{"pk":{"S":"` + kb + `"},"v":{"BOOL":true}}}`, 2, 1},
		// "pk" 2 + 1010 + "n" 1 + 20 digits as 11 bytes: 1024 bytes, 1 unit.
		{"number size", "DynamoDB.PutItem", `{"Item":{"pk":{"S":"` + kb[:1010] + `"},"n":{"N":"12345678901234567890"}}}`, 1, 1},
		// 3 + list of 3 strings of 1024 (+1 each) + name 1: 3079 bytes -> 4 units.
		{"put with a list", "DynamoDB.PutItem", `{"Item":{"l":{"L":[{"S":"` + kb + `"},{"S":"` + kb + `"},{"S":"` + kb + `"}]}}}`, 4, 1},
		{"batch of puts and a delete", "DynamoDB.BatchWriteItem", `{"RequestItems":{"t":[` +
			`{"PutRequest":{"Item":{"pk":{"S":"a"}}}},` +
			`{"PutRequest":{"Item":{"pk":{"S":"` + kb + `"}}}},` +
			`{"DeleteRequest":{"Key":{"pk":{"S":"c"}}}}]}}`, 4, 3},
		{"update", "DynamoDB.UpdateItem", `{"Key":{"pk":{"S":"a"}},"UpdateExpression":"SET v = :v","ExpressionAttributeValues":{":v":{"S":"` + kb + `"}}}`, 2, 1},
		{"delete", "DynamoDB.DeleteItem", `{"Key":{"pk":{"S":"a"}}}`, 1, 1},
		{"transaction doubles", "DynamoDB.TransactWriteItems", `{"TransactItems":[` +
			`{"Put":{"Item":{"pk":{"S":"` + kb + `"}}}},` +
			`{"Update":{"Key":{"pk":{"S":"b"}},"ExpressionAttributeValues":{":n":{"N":"1"}}}},` +
			`{"ConditionCheck":{"Key":{"pk":{"S":"c"}}}}]}`, 8, 2},
		{"a read writes nothing", "DynamoDB.GetItem", `{"Key":{"pk":{"S":"a"}}}`, 0, 0},
		{"not dynamodb", "SQS.SendMessage", `{"MessageBody":"x"}`, 0, 0},
		{"unparsable", "DynamoDB.PutItem", `{`, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, items := awstest.WriteUnits(tt.op, []byte(tt.body))
			if units != tt.units || items != tt.items {
				t.Fatalf("WriteUnits = %v units, %d items; want %v, %d", units, items, tt.units, tt.items)
			}
		})
	}
}

// TestLatencyProxyCounts sends real SDK calls through the proxy to moto
// and checks the counts by operation and the estimated write units.
func TestLatencyProxyCounts(t *testing.T) {
	awstest.Require(t, moto)
	ctx := t.Context()
	p, err := awstest.StartLatencyProxy(moto.Endpoint, time.Millisecond, time.Millisecond, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	cfg := awstest.Config(p.Endpoint)
	ddb := dynamodb.NewFromConfig(cfg)
	s3c := awstest.S3Client(cfg)
	sq := sqs.NewFromConfig(cfg)
	name := "proxy-" + strings.ReplaceAll(t.Name(), "/", "-")
	mustNot(t, "CreateTable", createTable(ctx, ddb, name))
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(strings.ToLower(name))})
	mustNot(t, "CreateBucket", err)
	q, err := sq.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	mustNot(t, "CreateQueue", err)
	p.Reset()

	big := strings.Repeat("é", 1500) // 3000 bytes: 3 units with the key
	s := func(v string) ddbtypes.AttributeValue { return &ddbtypes.AttributeValueMemberS{Value: v} }
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]ddbtypes.AttributeValue{"pk": s("a"), "v": s(big)}})
	mustNot(t, "PutItem", err)
	_, err = ddb.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]ddbtypes.WriteRequest{name: {
		{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s("b")}}},
		{PutRequest: &ddbtypes.PutRequest{Item: map[string]ddbtypes.AttributeValue{"pk": s("c")}}},
		{DeleteRequest: &ddbtypes.DeleteRequest{Key: map[string]ddbtypes.AttributeValue{"pk": s("a")}}},
	}}})
	mustNot(t, "BatchWriteItem", err)
	_, err = ddb.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []ddbtypes.TransactWriteItem{
		{Put: &ddbtypes.Put{TableName: aws.String(name), Item: map[string]ddbtypes.AttributeValue{"pk": s("d")}}},
		{Update: &ddbtypes.Update{TableName: aws.String(name), Key: map[string]ddbtypes.AttributeValue{"pk": s("b")},
			UpdateExpression: aws.String("SET v = :v"), ExpressionAttributeValues: map[string]ddbtypes.AttributeValue{":v": s("x")}}},
	}})
	mustNot(t, "TransactWriteItems", err)
	_, err = ddb.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(name), Key: map[string]ddbtypes.AttributeValue{"pk": s("b")}})
	mustNot(t, "GetItem", err)
	// A conditional put that fails: counted, as an error, and no units.
	_, err = ddb.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(name), Item: map[string]ddbtypes.AttributeValue{"pk": s("b")},
		ConditionExpression: aws.String("attribute_not_exists(pk)")})
	if err == nil {
		t.Fatal("the conditional put of an existing item succeeded")
	}
	_, err = sq.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hello")})
	mustNot(t, "SendMessage", err)
	_, err = sq.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	mustNot(t, "ReceiveMessage", err)
	bucket, key := aws.String(strings.ToLower(name)), aws.String("incoming/p/file.csv")
	_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: bucket, Key: key, Body: strings.NewReader("a,b\n1,2\n")})
	mustNot(t, "PutObject", err)
	_, err = s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: bucket, Key: key})
	mustNot(t, "HeadObject", err)
	obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: bucket, Key: key})
	mustNot(t, "GetObject", err)
	obj.Body.Close()
	_, err = s3c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: bucket})
	mustNot(t, "ListObjectsV2", err)
	_, err = s3c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: bucket, Key: key})
	mustNot(t, "DeleteObject", err)

	st := p.Stats()
	want := map[string]int{
		"DynamoDB.PutItem": 2, "DynamoDB.BatchWriteItem": 1, "DynamoDB.TransactWriteItems": 1, "DynamoDB.GetItem": 1,
		"SQS.SendMessage": 1, "SQS.ReceiveMessage": 1,
		"S3.PutObject": 1, "S3.HeadObject": 1, "S3.GetObject": 1, "S3.ListObjectsV2": 1, "S3.DeleteObject": 1,
	}
	if !maps.Equal(st.Requests, want) {
		t.Errorf("requests %v, want %v", st.Ops(), want)
	}
	if !maps.Equal(st.Errors, map[string]int{"DynamoDB.PutItem": 1}) {
		t.Errorf("errors %v, want the failed conditional put", st.Errors)
	}
	// PutItem 3 + batch (1 + 1 + delete 1) + transaction 2x(1 + 1) = 10.
	if st.WCU != 10 {
		t.Errorf("estimated write units %v, want 10", st.WCU)
	}
	if !maps.Equal(st.Items, map[string]int{"DynamoDB.PutItem": 1, "DynamoDB.BatchWriteItem": 3, "DynamoDB.TransactWriteItems": 2}) {
		t.Errorf("items written %v", st.Items)
	}
	if !maps.Equal(st.Units, map[string]float64{"DynamoDB.PutItem": 3, "DynamoDB.BatchWriteItem": 3, "DynamoDB.TransactWriteItems": 4}) {
		t.Errorf("units by operation %v", st.Units)
	}
	if got := strings.Join(st.Writes(), "; "); got != "DynamoDB.BatchWriteItem: 3 items, 3 WCU; DynamoDB.PutItem: 1 items, 3 WCU; DynamoDB.TransactWriteItems: 2 items, 4 WCU" {
		t.Errorf("Writes() = %q", got)
	}
	if st.Total() != 12 {
		t.Errorf("total %d, want 12", st.Total())
	}
}

// TestLatencyProxyDelay checks that every request through the proxy takes
// at least the latency's lower bound, and on average about the latency
// more than the same request straight to moto.
func TestLatencyProxyDelay(t *testing.T) {
	awstest.Require(t, moto)
	ctx := t.Context()
	const latency, jitter = 20 * time.Millisecond, 5 * time.Millisecond
	p, err := awstest.StartLatencyProxy(moto.Endpoint, latency, jitter, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	direct := awstest.S3Client(moto.Config())
	proxied := awstest.S3Client(awstest.Config(p.Endpoint))
	const n = 20
	timeCalls := func(c *s3.Client) (minimum, mean time.Duration) {
		minimum = time.Hour
		var sum time.Duration
		for range n {
			start := time.Now()
			if _, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}); err != nil {
				t.Fatal(err)
			}
			d := time.Since(start)
			sum += d
			minimum = min(minimum, d)
		}
		return minimum, sum / n
	}
	timeCalls(direct) // warm both connections up
	timeCalls(proxied)
	_, directMean := timeCalls(direct)
	proxiedMin, proxiedMean := timeCalls(proxied)
	if proxiedMin < latency-jitter {
		t.Errorf("fastest proxied request %v, under the latency's lower bound %v", proxiedMin, latency-jitter)
	}
	if added := proxiedMean - directMean; added < latency-jitter || added > latency+jitter+15*time.Millisecond {
		t.Errorf("the proxy added %v a request on average (direct %v, proxied %v), want about %v", added, directMean, proxiedMean, latency)
	}
	if got := p.Stats().Requests["S3.ListBuckets"]; got != 2*n {
		t.Errorf("counted %d ListBuckets, want %d", got, 2*n)
	}
}

func createTable(ctx context.Context, ddb *dynamodb.Client, name string) error {
	_, err := ddb.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}},
	})
	return err
}

func mustNot(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

package ingest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// s3Notification is an S3 event notification as S3 writes it (the shape
// of the AWS documentation and aws-lambda-go's testdata/s3-event.json);
// the key is URL-encoded, with '+' for spaces.
func s3Notification(key, etag string) string {
	return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-3",
"eventTime":"2026-11-28T12:00:00.123Z","eventName":"ObjectCreated:Put",
"userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},
"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
"s3":{"s3SchemaVersion":"1.0","configurationId":"incoming","bucket":{"name":"catalog-files","ownerIdentity":{"principalId":"EXAMPLE"},"arn":"arn:aws:s3:::catalog-files"},
"object":{"key":"` + key + `","size":1024,"eTag":"` + etag + `","sequencer":"0055AED6DCD90281E5"}}}]}`
}

// sqsEvent wraps bodies as SQS delivers them to Lambda (the shape of
// aws-lambda-go's testdata/sqs-event.json).
func sqsEvent(t *testing.T, bodies ...string) events.SQSEvent {
	t.Helper()
	var recs []map[string]any
	for i, b := range bodies {
		recs = append(recs, map[string]any{
			"messageId": "msg-" + string(rune('a'+i)), "receiptHandle": "MessageReceiptHandle", "body": b,
			"md5OfBody": "7b270e59b47ff90a553787216d55d91d", "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:ingest",
			"eventSource": "aws:sqs", "awsRegion": "eu-west-3",
			"attributes": map[string]string{"ApproximateReceiveCount": "1", "SentTimestamp": "1764331200000",
				"SenderId": "AIDAEXAMPLE", "ApproximateFirstReceiveTimestamp": "1764331200001"},
			"messageAttributes": map[string]any{},
		})
	}
	raw, err := json.Marshal(map[string]any{"Records": recs})
	if err != nil {
		t.Fatal(err)
	}
	var ev events.SQSEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestSQSHandler(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := "incoming/acme/Catalogue été 2026.csv"
	e.put(key, canonical)
	encoded := "incoming/acme/Catalogue+%C3%A9t%C3%A9+2026.csv"
	h := &ingest.SQSHandler{Service: e.svc}
	ev := sqsEvent(t,
		s3Notification(encoded, "d41d8cd98f00b204e9800998ecf8427e"),
		s3Notification(encoded, "d41d8cd98f00b204e9800998ecf8427e"), // delivered twice
		`{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-28T12:00:00.000Z","Bucket":"catalog-files","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE"}`,
		`not json`,
		s3Notification("reports/x/rejected.csv", "e"),
		s3Notification("incoming/acme/deleted.csv", "f"),
	)
	resp, err := h.Handle(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "msg-d" {
		t.Fatalf("failures = %+v", resp.BatchItemFailures)
	}
	cats, err := e.store.ListCatalogs(ctx, "acme", 10)
	if err != nil || len(cats) != 1 || cats[0].Status != catalog.StatusDone || cats[0].Key != key || cats[0].Report.Created != 3 {
		t.Fatalf("catalogs = %+v, %v", cats, err)
	}
	if n := len(e.products("acme")); n != 3 {
		t.Fatalf("%d products", n)
	}
	for _, p := range e.products("acme") {
		if p.Version != 1 {
			t.Fatalf("%s written %d times", p.ID, p.Version)
		}
	}
}

func TestSQSHandlerConcurrentDeliveries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.put("incoming/acme/a.csv", rowsCSV(0, 300))
	h := &ingest.SQSHandler{Service: e.svc}
	body := s3Notification("incoming/acme/a.csv", "x")
	results := make(chan events.SQSEventResponse, 4)
	for i := 0; i < 4; i++ {
		go func() {
			r, _ := h.Handle(ctx, sqsEvent(t, body))
			results <- r
		}()
	}
	retries := 0
	for i := 0; i < 4; i++ {
		if r := <-results; len(r.BatchItemFailures) > 0 {
			retries++
		}
	}
	// A delivery that found another one mid-way asked to be retried; the
	// retry (after the first finished) sees it done.
	for ; retries > 0; retries-- {
		if r2, _ := h.Handle(ctx, sqsEvent(t, body)); len(r2.BatchItemFailures) != 0 {
			t.Fatalf("retry failed: %+v", r2)
		}
	}
	cats, _ := e.store.ListCatalogs(ctx, "acme", 10)
	if len(cats) != 1 || cats[0].Status != catalog.StatusDone {
		t.Fatalf("catalogs = %+v", cats)
	}
	for _, p := range e.products("acme") {
		if p.Version != 1 {
			t.Fatalf("%s written %d times", p.ID, p.Version)
		}
	}
	if !strings.HasPrefix(cats[0].ID, "c") {
		t.Fatal(cats[0].ID)
	}
}

package ingest_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/ingestfn"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
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

func TestIngestQueueHandler(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	key := "incoming/acme/Catalogue été 2026.csv"
	e.put(key, canonical)
	encoded := "incoming/acme/Catalogue+%C3%A9t%C3%A9+2026.csv"
	h := &awslambda.IngestQueueHandler{Service: ingestfn.Service{Service: e.svc}}
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

func TestIngestQueueHandlerConcurrentDeliveries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.put("incoming/acme/a.csv", rowsCSV(0, 300))
	h := &awslambda.IngestQueueHandler{Service: ingestfn.Service{Service: e.svc}}
	body := s3Notification("incoming/acme/a.csv", "x")
	results := make(chan events.SQSEventResponse, 4)
	for range 4 {
		go func() {
			r, _ := h.Handle(ctx, sqsEvent(t, body))
			results <- r
		}()
	}
	retries := 0
	for range 4 {
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

// unavailableStore is a store whose catalog reads fail as an outage of
// DynamoDB would (which cannot be produced here on demand).
type unavailableStore struct{ catalog.Store }

func (unavailableStore) GetCatalog(context.Context, string) (catalog.Catalog, error) {
	return catalog.Catalog{}, catalog.Errorf(catalog.CodeUnavailable, "the store is unavailable")
}

// TestSQSHandlerConfirm: the api Lambda's confirmations on the ingest
// queue. A valid one applies the held catalog; one that no longer holds is
// dropped (not retried); an outage is a batch item failure.
func TestIngestQueueHandlerConfirm(t *testing.T) {
	confirmBody := func(id string, mode ...string) string {
		b, err := json.Marshal(contract.ConfirmMessage{ConfirmCatalog: id, Mode: strings.Join(mode, "")})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	tests := []struct {
		name string
		// setup holds a catalog (9 of acme's 10 products to remove) and
		// returns the bodies to deliver.
		setup        func(e *env, held catalog.Catalog) []string
		unavailable  bool
		wantFailures []string
		wantStatus   catalog.Status // of the held catalog after the batch
		wantProducts int
	}{
		{"applied", func(_ *env, held catalog.Catalog) []string {
			return []string{confirmBody(held.ID)}
		}, false, nil, catalog.StatusDone, 1},
		{"applied as a partial update: nothing removed", func(_ *env, held catalog.Catalog) []string {
			return []string{confirmBody(held.ID, "partial")}
		}, false, nil, catalog.StatusDone, 10},
		{"unknown mode: dropped", func(_ *env, held catalog.Catalog) []string {
			return []string{confirmBody(held.ID, "merge")}
		}, false, nil, catalog.StatusNeedsConfirmation, 10},
		{"delivered twice: the second is dropped", func(_ *env, held catalog.Catalog) []string {
			return []string{confirmBody(held.ID), confirmBody(held.ID)}
		}, false, nil, catalog.StatusDone, 1},
		{"unknown catalog and empty id dropped", func(*env, catalog.Catalog) []string {
			return []string{confirmBody("cnope"), `{"confirm_catalog":""}`}
		}, false, nil, catalog.StatusNeedsConfirmation, 10},
		{"newer file arrived: dropped", func(e *env, held catalog.Catalog) []string {
			e.now = e.now.Add(time.Second)
			e.ingest("acme", "v3.csv", rowsCSV(0, 10), "")
			return []string{confirmBody(held.ID)}
		}, false, nil, catalog.StatusNeedsConfirmation, 10},
		{"file gone: dropped", func(e *env, held catalog.Catalog) []string {
			if err := e.blobs.Delete(context.Background(), held.Key); err != nil {
				t.Fatal(err)
			}
			return []string{confirmBody(held.ID)}
		}, false, nil, catalog.StatusNeedsConfirmation, 10},
		{"store unavailable: retried", func(_ *env, held catalog.Catalog) []string {
			return []string{confirmBody(held.ID)}
		}, true, []string{"msg-a"}, catalog.StatusNeedsConfirmation, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			held := e.held(1)
			bodies := tt.setup(e, held)
			svc := e.svc
			if tt.unavailable {
				svc = ingest.New(ingest.Deps{Store: unavailableStore{e.store}, Blobs: e.blobs, TempDir: t.TempDir()})
			}
			resp, err := (&awslambda.IngestQueueHandler{Service: ingestfn.Service{Service: svc}}).Handle(ctx, sqsEvent(t, bodies...))
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, f := range resp.BatchItemFailures {
				failed = append(failed, f.ItemIdentifier)
			}
			if !slices.Equal(failed, tt.wantFailures) {
				t.Fatalf("failures %v, want %v", failed, tt.wantFailures)
			}
			c, err := e.store.GetCatalog(ctx, held.ID)
			if err != nil || c.Status != tt.wantStatus {
				t.Fatalf("held catalog %s (%v), want %s", c.Status, err, tt.wantStatus)
			}
			if n := len(e.products("acme")); n != tt.wantProducts {
				t.Fatalf("%d products, want %d", n, tt.wantProducts)
			}
			if tt.wantStatus == catalog.StatusDone && c.Report.Removed != 10-tt.wantProducts {
				t.Fatalf("report %+v", c.Report)
			}
		})
	}
}

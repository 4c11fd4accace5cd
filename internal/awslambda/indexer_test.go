package awslambda_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/emf"
)

func upsertRecord(seq string, p catalog.Product) events.DynamoDBEventRecord {
	doc, _ := json.Marshal(p)
	return events.DynamoDBEventRecord{
		EventName: "MODIFY", EventID: "e" + seq,
		Change: events.DynamoDBStreamRecord{
			SequenceNumber:              seq,
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)},
			Keys:                        map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("P#acme#00"), "sk": events.NewStringAttribute(p.ID)},
			NewImage:                    map[string]events.DynamoDBAttributeValue{"doc": events.NewStringAttribute(string(doc))},
		},
	}
}

func removeRecord(seq, id string) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{EventName: "REMOVE", Change: events.DynamoDBStreamRecord{
		SequenceNumber: seq,
		Keys:           map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("P#acme#00"), "sk": events.NewStringAttribute(id)},
	}}
}

func poisonRecord(seq string) events.DynamoDBEventRecord {
	r := upsertRecord(seq, catalog.Product{ID: "acme:P"})
	r.Change.NewImage["doc"] = events.NewStringAttribute("{truncated")
	return r
}

func version(p catalog.Product, v int64, name string) catalog.Product {
	p.Version, p.Name = v, name
	return p
}

func openIndex(t *testing.T) *bleveindex.Index {
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "idx"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	return idx
}

func names(t *testing.T, idx catalog.Index) map[string]string {
	t.Helper()
	q := catalog.Query{Size: 100}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, h := range res.Hits {
		out[h.Product.ID] = h.Product.Name
	}
	return out
}

func TestStreamIndexerPoisonReplayAndRollback(t *testing.T) {
	idx := openIndex(t)
	var logs, metrics bytes.Buffer
	h := &awslambda.StreamIndexer{Index: idx, Logger: awslambda.NewLogger(&logs, "info"), Metrics: emf.New(&metrics, "test"),
		Clock: func() time.Time { return time.Date(2026, 11, 28, 10, 0, 3, 0, time.UTC) }}
	a, b, c := catalogtest.SampleProduct("acme", "A"), catalogtest.SampleProduct("acme", "B"), catalogtest.SampleProduct("acme", "C")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-1"})

	if _, err := h.Handle(ctx, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{upsertRecord("100", version(c, 1, "c1"))}}); err != nil {
		t.Fatal(err)
	}
	batch := events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		upsertRecord("101", version(a, 1, "a1")),
		poisonRecord("102"),
		upsertRecord("103", version(b, 1, "b1")),
		upsertRecord("104", version(a, 2, "a2")),
		removeRecord("105", c.ID),
	}}
	resp, err := h.Handle(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "102" {
		t.Fatalf("failures %+v, want the poison record 102", resp.BatchItemFailures)
	}
	want := map[string]string{a.ID: "a2", b.ID: "b1"}
	check := func(when string) {
		got := names(t, idx)
		if len(got) != len(want) || got[a.ID] != want[a.ID] || got[b.ID] != want[b.ID] {
			t.Fatalf("%s: index holds %v, want %v", when, got, want)
		}
	}
	check("after the batch")
	// Lambda retries from the poison record: the rest is applied again.
	if _, err := h.Handle(ctx, events.DynamoDBEvent{Records: batch.Records[1:]}); err != nil {
		t.Fatal(err)
	}
	check("after the retry")
	// A late replay of an old version never rolls a document back.
	if _, err := h.Handle(ctx, events.DynamoDBEvent{Records: batch.Records[:1]}); err != nil {
		t.Fatal(err)
	}
	check("after a replay of version 1")

	if !strings.Contains(logs.String(), `"request_id":"req-1"`) || !strings.Contains(logs.String(), `"seq":"102"`) {
		t.Fatalf("logs lack the request id or the poison record: %s", logs.String())
	}
	if !strings.Contains(metrics.String(), `"PoisonStreamRecords":1`) || !strings.Contains(metrics.String(), `"IndexLagMs":3000`) {
		t.Fatalf("metrics: %s", metrics.String())
	}
}

// failingIndex stands in for an OpenSearch domain that refuses writes (the
// real one's 429/503 handling is tested in the fault tests).
type failingIndex struct{ catalog.Index }

func (failingIndex) Upsert(context.Context, []catalog.Product) error {
	return catalog.Errorf(catalog.CodeUnavailable, "index unavailable")
}

func TestStreamIndexerRetriesWholeBatchWhenIndexFails(t *testing.T) {
	h := &awslambda.StreamIndexer{Index: failingIndex{}, Logger: slog.New(slog.DiscardHandler)}
	a := catalogtest.SampleProduct("acme", "A")
	resp, err := h.Handle(context.Background(), events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{
		upsertRecord("7", version(a, 1, "x")), upsertRecord("8", version(a, 2, "y")),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "7" {
		t.Fatalf("failures %+v, want the first record", resp.BatchItemFailures)
	}
}

func TestLoggerLevels(t *testing.T) {
	var buf bytes.Buffer
	log := awslambda.NewLogger(&buf, "warn")
	log.Info("hidden")
	log.Warn("shown", "k", 1)
	if strings.Contains(buf.String(), "hidden") || !strings.Contains(buf.String(), `"msg":"shown"`) {
		t.Fatalf("logs %s", buf.String())
	}
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(errors.Join(err, errors.New(buf.String())))
	}
}

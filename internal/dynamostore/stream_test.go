package dynamostore_test

import (
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// TestStreamRecordsFromMoto converts the real stream records that moto's
// DynamoDB Streams return for a sequence of store calls.
func TestStreamRecordsFromMoto(t *testing.T) {
	client, name := newTable(t)
	s := dynamostore.New(client, name, dynamostore.Options{})
	ctx := t.Context()
	a, b := product("acme", "A", "Chaise"), product("acme", "B", "Table")
	if _, err := s.PutProducts(ctx, []catalog.Product{a, b}); err != nil {
		t.Fatal(err)
	}
	a.Name = "Chaise pliante"
	if _, err := s.PutProducts(ctx, []catalog.Product{a}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProducts(ctx, []string{b.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateCatalog(ctx, catalog.Catalog{ID: "c1", Partner: "acme", ReceivedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	r, err := awstest.NewStreamReader(ctx, moto.Config(), name)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := r.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := dynamostore.Changes(events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		op      catalog.Op
		id      string
		version int64
	}
	var got []key
	for _, c := range changes {
		k := key{op: c.Op, id: c.ID}
		if c.Product != nil {
			k.version = c.Product.Version
		}
		if c.Seq == "" {
			t.Errorf("change %v has no sequence number", k)
		}
		got = append(got, k)
	}
	want := map[key]bool{
		{catalog.OpUpsert, a.ID, 1}: true, {catalog.OpUpsert, b.ID, 1}: true,
		{catalog.OpUpsert, a.ID, 2}: true, {catalog.OpDelete, b.ID, 0}: true,
	}
	if len(got) != len(want) {
		t.Fatalf("changes %v, want %v (catalog records skipped)", got, want)
	}
	for _, k := range got {
		if !want[k] {
			t.Fatalf("unexpected change %v in %v", k, got)
		}
	}
	if recs2, err := r.Next(ctx); err != nil || len(recs2) != 0 {
		t.Fatalf("second read: %d records, %v; want none", len(recs2), err)
	}
}

func TestPoisonRecords(t *testing.T) {
	keys := func(pk, sk string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute(pk), "sk": events.NewStringAttribute(sk)}
	}
	rec := func(name string, k map[string]events.DynamoDBAttributeValue, img map[string]events.DynamoDBAttributeValue) events.DynamoDBEventRecord {
		return events.DynamoDBEventRecord{EventName: name, Change: events.DynamoDBStreamRecord{Keys: k, NewImage: img, SequenceNumber: "42"}}
	}
	doc := func(s string) map[string]events.DynamoDBAttributeValue {
		return map[string]events.DynamoDBAttributeValue{"doc": events.NewStringAttribute(s)}
	}
	tests := []struct {
		name   string
		rec    events.DynamoDBEventRecord
		ok     bool
		code   catalog.Code
		wantOp catalog.Op
	}{
		{"no keys", rec("INSERT", nil, nil), false, catalog.CodeInvalid, ""},
		{"numeric key", rec("INSERT", map[string]events.DynamoDBAttributeValue{"pk": events.NewNumberAttribute("1"), "sk": events.NewStringAttribute("x")}, nil), false, catalog.CodeInvalid, ""},
		{"no image", rec("MODIFY", keys("P#a#00", "a:1"), nil), false, catalog.CodeInvalid, ""},
		{"binary doc", rec("MODIFY", keys("P#a#00", "a:1"), map[string]events.DynamoDBAttributeValue{"doc": events.NewBinaryAttribute([]byte("x"))}), false, catalog.CodeInvalid, ""},
		{"bad json", rec("INSERT", keys("P#a#00", "a:1"), doc("{not json")), false, catalog.CodeInvalid, ""},
		{"id mismatch", rec("INSERT", keys("P#a#00", "a:1"), doc(`{"id":"a:2"}`)), false, catalog.CodeInvalid, ""},
		{"unknown event", rec("TRUNCATE", keys("P#a#00", "a:1"), nil), false, catalog.CodeInvalid, ""},
		{"catalog record skipped", rec("INSERT", keys("C#c1", "C"), nil), false, "", ""},
		{"good upsert", rec("INSERT", keys("P#a#00", "a:1"), doc(`{"id":"a:1","version":3}`)), true, "", catalog.OpUpsert},
		{"good delete", rec("REMOVE", keys("P#a#00", "a:1"), nil), true, "", catalog.OpDelete},
		{"tombstone write is a delete", rec("MODIFY", keys("P#a#00", "a:1"), map[string]events.DynamoDBAttributeValue{"del": events.NewBooleanAttribute(true), "v": events.NewNumberAttribute("4")}), true, "", catalog.OpDelete},
		{"tombstone expiry skipped", events.DynamoDBEventRecord{EventName: "REMOVE", Change: events.DynamoDBStreamRecord{SequenceNumber: "42", Keys: keys("P#a#00", "a:1"),
			OldImage: map[string]events.DynamoDBAttributeValue{"del": events.NewBooleanAttribute(true)}}}, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok, err := dynamostore.ChangeOf(tt.rec)
			if ok != tt.ok || catalog.CodeOf(err) != tt.code {
				t.Fatalf("ok %v err %v; want ok %v code %q", ok, err, tt.ok, tt.code)
			}
			if ok && (c.Op != tt.wantOp || c.ID != "a:1" || c.Seq != "42") {
				t.Fatalf("change %+v", c)
			}
		})
	}
}

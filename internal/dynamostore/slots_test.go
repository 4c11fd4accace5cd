package dynamostore_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// TestUnusedSlotExpiresThroughTTL: the record of an upload slot nobody
// used, and its two listing copies, carry the table's TTL attribute
// (catalog.SlotRecordGrace past the slot's expiry), so DynamoDB deletes
// them; once the slot is used the items are written without it.
func TestUnusedSlotExpiresThroughTTL(t *testing.T) {
	client, table := newTable(t)
	s := dynamostore.New(client, table, dynamostore.Options{})
	ctx := t.Context()
	at := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	c := catalog.Catalog{ID: "u1", Partner: "acme", Key: "incoming/acme/x-t.csv", File: "t.csv", Mode: catalog.ModeFull,
		Status: catalog.StatusReceived, ReceivedAt: at, Slot: &catalog.Slot{ExpiresAt: at.Add(15 * time.Minute)}}
	if err := s.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	ttls := func() []string {
		t.Helper()
		out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, item := range out.Items {
			v, ok := item[contract.TableTTLAttribute].(*types.AttributeValueMemberN)
			if !ok {
				got = append(got, "")
				continue
			}
			got = append(got, v.Value)
		}
		return got
	}
	want := strconv.FormatInt(at.Add(15*time.Minute+catalog.SlotRecordGrace).Unix(), 10)
	if got := ttls(); len(got) != 3 || got[0] != want || got[1] != want || got[2] != want {
		t.Fatalf("TTL of the record and its listing copies: %q, want %s on all three", got, want)
	}
	used := c
	used.Slot = &catalog.Slot{ExpiresAt: c.Slot.ExpiresAt, UsedAt: at.Add(time.Minute)}
	if err := s.SwapCatalog(ctx, c, used); err != nil {
		t.Fatal(err)
	}
	if got := ttls(); len(got) != 3 || got[0] != "" || got[1] != "" || got[2] != "" {
		t.Fatalf("TTL once the slot was used: %q, want none", got)
	}
}

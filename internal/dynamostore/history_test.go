package dynamostore_test

import (
	"context"
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

// TestHistoryItemsCarryTheStageTTL: the history items (a catalog's change,
// a product's price point) expire through the table's TTL attribute at
// Options.HistoryTTL after they were written; without it they stay.
func TestHistoryItemsCarryTheStageTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		want string // the ttl attribute, "" for none
	}{
		{"30 days", 30 * 24 * time.Hour, strconv.FormatInt(now.Add(30*24*time.Hour).Unix(), 10)},
		{"kept", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, table := newTable(t)
			s := dynamostore.New(client, table, dynamostore.Options{HistoryTTL: tc.ttl, Clock: func() time.Time { return now }})
			price := &catalog.Money{Amount: catalog.MustDecimal("9.90"), Currency: "EUR"}
			err := s.PutChanges(ctx, []catalog.ProductChange{{CatalogID: "c1", Partner: "acme", ProductID: "acme:1",
				Kind: catalog.ChangeCreated, PriceAfter: price, At: now}})
			if err != nil {
				t.Fatal(err)
			}
			out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Items) != 2 {
				t.Fatalf("%d items, want the change and the price point", len(out.Items))
			}
			for _, item := range out.Items {
				got := ""
				if v, ok := item[contract.TableTTLAttribute].(*types.AttributeValueMemberN); ok {
					got = v.Value
				}
				if got != tc.want {
					t.Errorf("item %v: ttl %q, want %q", item[contract.TablePartitionKey], got, tc.want)
				}
			}
		})
	}
}

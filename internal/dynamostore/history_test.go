package dynamostore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// TestCatalogChangesSpreadOverShards: one catalog's changes are written
// under many partition keys (one key takes at most 1,000 write units a
// second, and a big catalog writes a change per product), and read back
// merged in product order, page after page, with a change stored under
// the unsharded key of earlier records among them.
func TestCatalogChangesSpreadOverShards(t *testing.T) {
	ctx := context.Background()
	client, table := newTable(t)
	s := dynamostore.New(client, table, dynamostore.Options{})
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var changes []catalog.ProductChange
	for i := range 64 {
		changes = append(changes, catalog.ProductChange{CatalogID: "big", Partner: "acme", ProductID: fmt.Sprintf("acme:%03d", i),
			Kind: catalog.ChangeCreated, Name: "n", At: now})
	}
	if err := s.PutChanges(ctx, changes); err != nil {
		t.Fatal(err)
	}
	// A record of before the shards: pk H#big.
	legacy, err := json.Marshal(catalog.ProductChange{CatalogID: "big", Partner: "acme", ProductID: "acme:031x", Kind: catalog.ChangeCreated, At: now})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
		contract.TablePartitionKey: &types.AttributeValueMemberS{Value: "H#big"},
		contract.TableSortKey:      &types.AttributeValueMemberS{Value: "acme:031x"},
		"doc":                      &types.AttributeValueMemberS{Value: string(legacy)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	pks := map[string]bool{}
	for _, item := range out.Items {
		if pk := item[contract.TablePartitionKey].(*types.AttributeValueMemberS).Value; strings.HasPrefix(pk, "H#big#") {
			pks[pk] = true
		}
	}
	if len(pks) < 8 {
		t.Fatalf("64 changes of one catalog under %d partition keys, want them spread", len(pks))
	}
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := s.CatalogChanges(ctx, "big", after, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Changes {
			got = append(got, c.ProductID)
		}
		if page.Next == "" || pages > 10 {
			break
		}
		after = page.Next
	}
	if len(got) != 65 || !slices.IsSorted(got) || !slices.Contains(got, "acme:031x") {
		t.Fatalf("read back %d changes (sorted %v): %v", len(got), slices.IsSorted(got), got)
	}
}

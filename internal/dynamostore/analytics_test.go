package dynamostore_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// TestSearchLogConformance runs the shared catalog.SearchLog suite on
// moto's DynamoDB, one fresh table per subtest.
func TestSearchLogConformance(t *testing.T) {
	catalogtest.TestSearchLog(t, func(t *testing.T) catalog.SearchLog { return newStore(t) })
}

// countingClient counts the requests by operation and sends them to moto.
type countingClient struct {
	mu  sync.Mutex
	ops map[string]int
}

func (c *countingClient) Do(r *http.Request) (*http.Response, error) {
	target := r.Header.Get("X-Amz-Target")
	c.mu.Lock()
	c.ops[target[strings.LastIndexByte(target, '.')+1:]]++
	c.mu.Unlock()
	return http.DefaultClient.Do(r)
}

func (c *countingClient) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := c.ops
	c.ops = map[string]int{}
	return ops
}

// TestSearchLogRequests: a batch costs one UpdateItem per distinct item
// (a day's totals, a day's query), however many events; a late search
// (its query's stored last total is newer) costs one more; a period is
// one Query per month, never a Scan.
func TestSearchLogRequests(t *testing.T) {
	_, name := newTable(t)
	cc := &countingClient{ops: map[string]int{}}
	client := dynamodb.NewFromConfig(moto.Config(), func(o *dynamodb.Options) { o.HTTPClient = cc })
	s := dynamostore.New(client, name, dynamostore.Options{})
	ctx := t.Context()
	d1 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	d2 := d1.Add(24 * time.Hour) // December
	var batch []catalog.SearchEvent
	for i := range 500 {
		q := "chaise"
		if i%2 == 1 {
			q = "table"
		}
		batch = append(batch, catalog.SearchEvent{At: d1.Add(time.Duration(i) * time.Second), Query: q, Total: i, Filters: []string{"brand"}},
			catalog.SearchEvent{At: d2, Query: q, Position: 1 + i%10})
	}
	if err := s.AddSearchEvents(ctx, batch); err != nil {
		t.Fatal(err)
	}
	// 2 days x (totals + 2 queries)
	if ops := cc.take(); ops["UpdateItem"] != 6 || len(ops) != 1 {
		t.Fatalf("a batch of %d events over 2 days and 2 queries sent %v, want 6 UpdateItem", len(batch), ops)
	}
	if err := s.AddSearchEvents(ctx, []catalog.SearchEvent{{At: d1, Query: "chaise", Total: 3}}); err != nil {
		t.Fatal(err)
	}
	if ops := cc.take(); ops["UpdateItem"] != 3 {
		t.Fatalf("a late search sent %v, want 3 UpdateItem (totals, the refused last total, the counts alone)", ops)
	}
	st, err := s.SearchStats(ctx, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	if ops := cc.take(); ops["Query"] != 2 || len(ops) != 1 {
		t.Fatalf("a period over 2 months sent %v, want 2 Query", ops)
	}
	if st.Searches != 501 || st.Queries[0].Query != "chaise" || st.Queries[0].Searches != 251 || st.Queries[0].LastTotal != 498 ||
		st.Queries[1].LastTotal != 499 || st.Filters["brand"] != 500 || len(st.Clicks) != 10 || st.Clicks[0] != 50 {
		t.Fatalf("SearchStats = %+v", st)
	}
}

// TestSearchLogItemsCarryTheStageTTL: a day's analytics items expire
// through the table's TTL attribute Options.HistoryTTL after the end of
// their day; without it they stay. A period is not read further back
// than what the TTL keeps.
func TestSearchLogItemsCarryTheStageTTL(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	at := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	ttl := 30 * 24 * time.Hour
	for _, tc := range []struct {
		name string
		ttl  time.Duration
		want string // the ttl attribute, "" for none
	}{
		{"30 days", ttl, strconv.FormatInt(time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC).Add(ttl).Unix(), 10)},
		{"kept", 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, table := newTable(t)
			s := dynamostore.New(client, table, dynamostore.Options{HistoryTTL: tc.ttl, Clock: func() time.Time { return now }})
			err := s.AddSearchEvents(ctx, []catalog.SearchEvent{{At: at, Query: "chaise", Total: 2}, {At: at, Query: "chaise", Position: 1},
				{At: now.Add(-60 * 24 * time.Hour), Query: "vieux", Total: 1}})
			if err != nil {
				t.Fatal(err)
			}
			out, err := client.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Items) != 4 {
				t.Fatalf("%d items, want two days' totals and queries", len(out.Items))
			}
			for _, item := range out.Items {
				if strings.HasPrefix(item[contract.TableSortKey].(*types.AttributeValueMemberS).Value, "2026-10") {
					continue
				}
				got := ""
				if v, ok := item[contract.TableTTLAttribute].(*types.AttributeValueMemberN); ok {
					got = v.Value
				}
				if got != tc.want {
					t.Errorf("item %v: ttl %q, want %q", item[contract.TableSortKey], got, tc.want)
				}
			}
			st, err := s.SearchStats(ctx, now.Add(-90*24*time.Hour), now)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]int{true: 1, false: 2}[tc.ttl > 0]; st.Searches != want {
				t.Errorf("searches of the last 90 days %d, want %d", st.Searches, want)
			}
		})
	}
}

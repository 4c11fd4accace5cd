package dynamostore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// moto is the moto_server of this test binary (nil when not installed).
var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		moto = srv
		return m.Run()
	}))
}

var tableSeq atomic.Int64

// newTable creates a fresh table on moto and returns a client and its name.
func newTable(t *testing.T, optFns ...func(*dynamodb.Options)) (*dynamodb.Client, string) {
	t.Helper()
	awstest.Require(t, moto)
	client := dynamodb.NewFromConfig(moto.Config(), optFns...)
	name := fmt.Sprintf("t%d-%d", time.Now().UnixNano(), tableSeq.Add(1))
	if err := dynamostore.CreateTable(t.Context(), client, name); err != nil {
		t.Fatal(err)
	}
	return client, name
}

func newStore(t *testing.T) *dynamostore.Store {
	client, name := newTable(t)
	return dynamostore.New(client, name, dynamostore.Options{})
}

func product(partner, key, name string) catalog.Product {
	return catalog.Product{
		ID: catalog.ProductID(partner, key), Partner: partner, Key: key, SKU: key, Name: name,
		Price:     &catalog.Money{Amount: catalog.MustDecimal("12.50"), Currency: "EUR"},
		Category:  []string{"Maison", "Cuisine"},
		UpdatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
	}
}

func TestProductsRoundTripAndVersions(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	p := product("acme", "SKU-1", "Chaise pliante")
	p.Attributes = map[string]string{"Color": "Green"}
	got, err := s.PutProducts(ctx, []catalog.Product{p})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Version != 1 {
		t.Fatalf("first version = %d, want 1", got[0].Version)
	}
	got, err = s.PutProducts(ctx, []catalog.Product{p, p})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Version != 2 || got[1].Version != 3 {
		t.Fatalf("versions of a repeated id = %d, %d; want 2, 3", got[0].Version, got[1].Version)
	}
	back, err := s.GetProduct(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != 3 || back.Name != p.Name || back.Price.Amount.String() != "12.50" || back.Attributes["Color"] != "Green" {
		t.Fatalf("read back %+v", back)
	}
}

func TestErrors(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	tests := []struct {
		name string
		err  error
		code catalog.Code
	}{
		{"missing product", errOnly(s.GetProduct(ctx, "acme:nope")), catalog.CodeNotFound},
		{"empty product id", errOnly(s.GetProduct(ctx, "")), catalog.CodeNotFound},
		{"missing catalog", errOnly(s.GetCatalog(ctx, "nope")), catalog.CodeNotFound},
		{"product without id", errOnly(s.PutProducts(ctx, []catalog.Product{{Name: "x"}})), catalog.CodeInvalid},
		{"huge product", errOnly(s.PutProducts(ctx, []catalog.Product{{ID: "a:b", Description: strings.Repeat("x", 500<<10)}})), catalog.CodeTooLarge},
		{"catalog without id", s.PutCatalog(ctx, catalog.Catalog{}), catalog.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := catalog.CodeOf(tt.err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, tt.err, tt.code)
			}
		})
	}
}

func errOnly[T any](_ T, err error) error { return err }

func TestMissingTableIsInternalAndSafe(t *testing.T) {
	client, _ := newTable(t)
	s := dynamostore.New(client, "no-such-table", dynamostore.Options{})
	_, err := s.GetProduct(t.Context(), "a:b")
	if catalog.CodeOf(err) != catalog.CodeInternal {
		t.Fatalf("code = %q, want internal", catalog.CodeOf(err))
	}
	if msg := catalog.MessageOf(err); msg != "internal error" {
		t.Fatalf("user message leaks backend text: %q", msg)
	}
}

func TestUnreachableIsUnavailable(t *testing.T) {
	port, err := awstest.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	cfg := awstest.Config(fmt.Sprintf("http://127.0.0.1:%d", port))
	cfg.RetryMaxAttempts = 1
	s := dynamostore.New(dynamodb.NewFromConfig(cfg), "t", dynamostore.Options{})
	_, err = s.GetProduct(t.Context(), "a:b")
	if catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("code = %q (%v), want unavailable", catalog.CodeOf(err), err)
	}
}

// TestConcurrentWritersNeverShareAVersion races writers on the same ids:
// every successful write must get a distinct version, and the final
// version must equal the number of writes. moto does not serialise
// conditional writes (see TestConcurrentCreateCatalog): now and then two
// writers pass the version condition in the same instant, which DynamoDB
// never lets happen. So the race runs up to three times on fresh ids and
// needs one clean run; a store that wrote without the condition would give
// versions twice in every run.
func TestConcurrentWritersNeverShareAVersion(t *testing.T) {
	s := newStore(t)
	var failures []string
	for attempt := range 3 {
		err := raceWriters(t.Context(), s, fmt.Sprintf("acme%d", attempt))
		if err == nil {
			return
		}
		failures = append(failures, err.Error())
	}
	t.Fatalf("no clean run in 3: %v", failures)
}

// raceWriters runs 6 writers for 4 rounds each on two products of partner
// and says what went wrong: an error, a version given twice or a wrong
// final version.
func raceWriters(ctx context.Context, s *dynamostore.Store, partner string) error {
	const writers, rounds = 6, 4
	keys := []string{"A", "B"}
	var mu sync.Mutex
	seen := map[string]map[int64]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds*len(keys))
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				var batch []catalog.Product
				for _, key := range keys {
					batch = append(batch, product(partner, key, fmt.Sprintf("w%d r%d", w, r)))
				}
				got, err := s.PutProducts(ctx, batch)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, p := range got {
					if seen[p.ID] == nil {
						seen[p.ID] = map[int64]bool{}
					}
					if seen[p.ID][p.Version] {
						errs <- fmt.Errorf("version %d of %s given twice", p.Version, p.ID)
					}
					seen[p.ID][p.Version] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	for _, key := range keys {
		p, err := s.GetProduct(ctx, partner+":"+key)
		if err != nil {
			return err
		}
		if p.Version != writers*rounds {
			return fmt.Errorf("%s final version %d, want %d", p.ID, p.Version, writers*rounds)
		}
	}
	return nil
}

func TestScanAndDeleteManyProducts(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	var batch []catalog.Product
	for i := range 130 {
		batch = append(batch, product("acme", fmt.Sprintf("K%03d", i), "n"))
	}
	for i := range 7 {
		batch = append(batch, product("other", fmt.Sprintf("K%03d", i), "n"))
	}
	if _, err := s.PutProducts(ctx, batch); err != nil {
		t.Fatal(err)
	}
	count := func(partner string) int {
		n := 0
		for _, err := range s.Products(ctx, partner) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		return n
	}
	if got := count("acme"); got != 130 {
		t.Fatalf("acme has %d products, want 130", got)
	}
	if got := count(""); got != 137 {
		t.Fatalf("all partners: %d products, want 137", got)
	}
	var del []string
	for i := range 60 {
		del = append(del, fmt.Sprintf("acme:K%03d", i))
	}
	del = append(del, "acme:missing", del[0])
	if err := s.DeleteProducts(ctx, del); err != nil {
		t.Fatal(err)
	}
	if got := count("acme"); got != 70 {
		t.Fatalf("after delete acme has %d, want 70", got)
	}
	n := 0
	for _, err := range s.Products(ctx, "") {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 {
			break
		}
	}
	if n != 5 {
		t.Fatalf("scan stop: %d products before the break, want 5", n)
	}
}

// dropHalf is a middleware that makes BatchWriteItem behave as DynamoDB
// does under load: only part of the request is processed and the rest comes
// back as UnprocessedItems. The processed part really goes to moto.
func dropHalf(calls *atomic.Int64) func(*dynamodb.Options) {
	return func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
			return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("dropHalf",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					req, ok := in.Parameters.(*dynamodb.BatchWriteItemInput)
					if !ok {
						return next.HandleInitialize(ctx, in)
					}
					calls.Add(1)
					kept := map[string][]types.WriteRequest{}
					dropped := map[string][]types.WriteRequest{}
					for table, reqs := range req.RequestItems {
						half := (len(reqs) + 1) / 2
						kept[table] = reqs[:half]
						if half < len(reqs) {
							dropped[table] = reqs[half:]
						}
					}
					in.Parameters = &dynamodb.BatchWriteItemInput{RequestItems: kept}
					out, md, err := next.HandleInitialize(ctx, in)
					if err != nil {
						return out, md, err
					}
					res := out.Result.(*dynamodb.BatchWriteItemOutput)
					res.UnprocessedItems = dropped
					return out, md, nil
				}), middleware.After)
		})
	}
}

func TestUnprocessedItemsAreRetried(t *testing.T) {
	var calls atomic.Int64
	client, name := newTable(t, dropHalf(&calls))
	s := dynamostore.New(client, name, dynamostore.Options{BaseBackoff: time.Millisecond})
	ctx := t.Context()
	var batch []catalog.Product
	var ids []string
	for i := range 40 {
		p := product("acme", fmt.Sprintf("K%02d", i), "n")
		batch = append(batch, p)
		ids = append(ids, p.ID)
	}
	if _, err := s.PutProducts(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProducts(ctx, ids); err != nil {
		t.Fatal(err)
	}
	left := 0
	for _, err := range s.Products(ctx, "acme") {
		if err != nil {
			t.Fatal(err)
		}
		left++
	}
	if left != 0 {
		t.Fatalf("%d products survived a delete whose batches were half processed", left)
	}
	// 25 + 15 items, halved each call: 5 calls for the first batch, 4 for the second.
	if calls.Load() < 6 {
		t.Fatalf("only %d BatchWriteItem calls: unprocessed items were not retried", calls.Load())
	}
}

func TestCatalogs(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	mk := func(id, partner string, minutes int) catalog.Catalog {
		return catalog.Catalog{ID: id, Partner: partner, Key: "incoming/" + partner + "/f.csv", File: "f.csv",
			Mode: catalog.ModeFull, Status: catalog.StatusReceived, ReceivedAt: base.Add(time.Duration(minutes) * time.Minute)}
	}
	for _, c := range []catalog.Catalog{mk("c1", "acme", 1), mk("c2", "acme", 3), mk("c3", "other", 2)} {
		if err := s.CreateCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateCatalog(ctx, mk("c1", "acme", 9)); catalog.CodeOf(err) != catalog.CodeConflict {
		t.Fatalf("second create: %v, want conflict", err)
	}
	// A report with many errors still fits (compressed).
	c := mk("c1", "acme", 5) // moved in time: listing must follow
	c.Status = catalog.StatusDone
	c.Report = &catalog.Report{Status: catalog.StatusDone, Rows: 5000, Rejected: 5000}
	for i := range 5000 {
		c.Report.Errors = append(c.Report.Errors, catalog.RowError{Row: i + 2, Column: "Prix", Code: "bad_price", Message: "not a price"})
	}
	if err := s.PutCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetCatalog(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.StatusDone || len(got.Report.Errors) != 5000 || !got.ReceivedAt.Equal(c.ReceivedAt) {
		t.Fatalf("read back status %s, %d errors", got.Status, len(got.Report.Errors))
	}
	ids := func(cs []catalog.Catalog) string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return strings.Join(out, ",")
	}
	tests := []struct {
		partner string
		limit   int
		want    string
	}{
		{"", 0, "c1,c2,c3"},
		{"", 2, "c1,c2"},
		{"acme", 0, "c1,c2"},
		{"other", 10, "c3"},
		{"nobody", 10, ""},
	}
	for _, tt := range tests {
		list, err := s.ListCatalogs(ctx, tt.partner, tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(list); got != tt.want {
			t.Errorf("ListCatalogs(%q, %d) = %s, want %s", tt.partner, tt.limit, got, tt.want)
		}
	}
}

// TestConcurrentCreateCatalog: of many concurrent creators of one catalog,
// exactly one wins; the others get a conflict.
func TestConcurrentCreateCatalog(t *testing.T) {
	s := newStore(t)
	// moto does not serialise conditional writes: now and then a second
	// writer passes the condition in the same instant, which DynamoDB never
	// lets happen. So the test runs up to three rounds, each on a fresh ID,
	// and needs one round with exactly one winner; a store that wrote without
	// the condition would have eight winners in every round.
	var got []string
	for round := range 3 {
		id := fmt.Sprintf("same-%d", round)
		var wins, conflicts atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				err := s.CreateCatalog(t.Context(), catalog.Catalog{ID: id, Partner: "acme", ReceivedAt: time.Now()})
				switch catalog.CodeOf(err) {
				case "":
					wins.Add(1)
				case catalog.CodeConflict:
					conflicts.Add(1)
				default:
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins.Load() == 1 && conflicts.Load() == 7 {
			return
		}
		got = append(got, fmt.Sprintf("%d wins, %d conflicts", wins.Load(), conflicts.Load()))
	}
	t.Fatalf("no round had one winner: %v; want 1 win and 7 conflicts", got)
}

// TestDeleteKeepsTheVersion: a product sent again after its deletion gets
// a version above the deleted one (an index with external versioning
// refuses anything lower), and the tombstone is invisible to reads.
func TestDeleteKeepsTheVersion(t *testing.T) {
	s := newStore(t)
	ctx := t.Context()
	p := product("acme", "K", "n")
	for range 3 {
		if _, err := s.PutProducts(ctx, []catalog.Product{p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteProducts(ctx, []string{p.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteProducts(ctx, []string{p.ID}); err != nil { // twice: harmless
		t.Fatal(err)
	}
	if _, err := s.GetProduct(ctx, p.ID); catalog.CodeOf(err) != catalog.CodeNotFound {
		t.Fatalf("deleted product: %v", err)
	}
	n := 0
	for _, partner := range []string{"acme", ""} {
		for _, err := range s.Products(ctx, partner) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if n != 0 {
		t.Fatalf("scans see %d deleted products", n)
	}
	got, err := s.PutProducts(ctx, []catalog.Product{p})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Version != 5 {
		t.Fatalf("re-created product has version %d, want 5 (3, then the tombstone's 4)", got[0].Version)
	}
}

func TestChunkLedgerConformance(t *testing.T) {
	catalogtest.TestChunkLedger(t, func(t *testing.T) catalogtest.LedgerStore { return newStore(t) })
}

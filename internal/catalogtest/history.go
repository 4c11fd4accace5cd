package catalogtest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

func money(amount, currency string) *catalog.Money {
	return &catalog.Money{Amount: catalog.MustDecimal(amount), Currency: currency}
}

// storeGetProductsLeavesOutTheMissing: GetProducts returns the stored
// products of a batch larger than any backend's batch read, without the
// ids that name none.
func storeGetProductsLeavesOutTheMissing(ctx context.Context, t *testing.T, s catalog.Store) {
	var batch, ids []string
	var products []catalog.Product
	for i := range 237 { // more than one BatchGetItem (100)
		p := SampleProduct("acme", fmt.Sprintf("G%03d", i))
		products = append(products, p)
		batch = append(batch, p.ID)
	}
	put(t, s, products...)
	ids = append(ids, "acme:nope")
	ids = append(ids, batch...)
	ids = append(ids, "zeta:none")
	got, err := s.GetProducts(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	gotIDs := make([]string, len(got))
	for i, p := range got {
		gotIDs[i] = p.ID
	}
	slices.Sort(gotIDs)
	if !slices.Equal(gotIDs, batch) {
		t.Fatalf("GetProducts gave %d products (%v...), want the %d stored", len(got), gotIDs[:min(3, len(gotIDs))], len(batch))
	}
	if got[0].Name == "" || got[0].Version != 1 {
		t.Fatalf("GetProducts gave %+v, want whole products", got[0])
	}
	if none, err := s.GetProducts(ctx, nil); err != nil || len(none) != 0 {
		t.Fatalf("GetProducts(nil) = %v, %v", none, err)
	}
}

// storeChangesByCatalogAndPriceHistory: the changes of an upload are
// listed under its catalog by product ID, in pages, each catalog apart;
// the price history of a product is the prices its creation and price
// changes set, newest first; a change written twice is kept once.
func storeChangesByCatalogAndPriceHistory(ctx context.Context, t *testing.T, s catalog.Store) {
	t0 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(24*time.Hour), t0.Add(48*time.Hour+time.Millisecond)
	first := []catalog.ProductChange{
		{CatalogID: "c1", Partner: "acme", ProductID: "acme:B", Kind: catalog.ChangeCreated, Name: "Chaise B", PriceAfter: money("10.00", "EUR"), At: t0},
		{CatalogID: "c1", Partner: "acme", ProductID: "acme:A", Kind: catalog.ChangeCreated, Name: "Table A", PriceAfter: money("99.90", "EUR"), At: t0},
		{CatalogID: "c1", Partner: "acme", ProductID: "acme:C", Kind: catalog.ChangeCreated, Name: "Lampe C", At: t0},
	}
	second := []catalog.ProductChange{
		{CatalogID: "c2", Partner: "acme", ProductID: "acme:B", Kind: catalog.ChangeChanged, Name: "Chaise B", Fields: []string{catalog.FieldName, catalog.FieldPrice},
			PriceBefore: money("10.00", "EUR"), PriceAfter: money("12.50", "EUR"), At: t1},
		{CatalogID: "c2", Partner: "acme", ProductID: "acme:A", Kind: catalog.ChangeChanged, Name: "Table A", Fields: []string{catalog.FieldDescription},
			PriceBefore: money("99.90", "EUR"), PriceAfter: money("99.90", "EUR"), At: t1},
		{CatalogID: "c2", Partner: "acme", ProductID: "acme:C", Kind: catalog.ChangeRemoved, Name: "Lampe C", At: t1},
	}
	third := []catalog.ProductChange{
		{CatalogID: "c3", Partner: "acme", ProductID: "acme:B", Kind: catalog.ChangeChanged, Fields: []string{catalog.FieldPrice},
			PriceBefore: money("12.50", "EUR"), PriceAfter: money("11", "EUR"), At: t2},
	}
	for _, batch := range [][]catalog.ProductChange{first, second, second, third} { // second twice: a retried write
		if err := s.PutChanges(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	checkCatalogChanges(ctx, t, s, t1)
	checkChangePages(ctx, t, s)
	checkPriceHistory(ctx, t, s, t0, t1, t2)
}

// checkCatalogChanges: c2's changes, each whole, by product ID.
func checkCatalogChanges(ctx context.Context, t *testing.T, s catalog.Store, t1 time.Time) {
	t.Helper()
	page, err := s.CatalogChanges(ctx, "c2", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 3 || page.Next != "" {
		t.Fatalf("changes of c2 = %+v, want 3 on one page", page)
	}
	a, b, c := page.Changes[0], page.Changes[1], page.Changes[2]
	if a.ProductID != "acme:A" || b.ProductID != "acme:B" || c.ProductID != "acme:C" {
		t.Fatalf("changes of c2 in order %s %s %s, want by product ID", a.ProductID, b.ProductID, c.ProductID)
	}
	if b.Kind != catalog.ChangeChanged || !slices.Equal(b.Fields, []string{catalog.FieldName, catalog.FieldPrice}) || b.Name != "Chaise B" ||
		b.PriceBefore.String() != "10.00 EUR" || b.PriceAfter.String() != "12.50 EUR" || !b.At.Equal(t1) || b.Partner != "acme" || b.CatalogID != "c2" {
		t.Fatalf("change of acme:B in c2 = %+v", b)
	}
	if c.Kind != catalog.ChangeRemoved || c.PriceAfter != nil {
		t.Fatalf("removal = %+v", c)
	}
}

// checkChangePages: c1's three changes in pages of two; an unknown
// catalog has an empty list.
func checkChangePages(ctx context.Context, t *testing.T, s catalog.Store) {
	t.Helper()
	p1, err := s.CatalogChanges(ctx, "c1", "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Changes) != 2 || p1.Changes[0].ProductID != "acme:A" || p1.Next != "acme:B" {
		t.Fatalf("first page of c1 = %+v, want A, B and next B", p1)
	}
	p2, err := s.CatalogChanges(ctx, "c1", p1.Next, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Changes) != 1 || p2.Changes[0].ProductID != "acme:C" || p2.Next != "" {
		t.Fatalf("second page of c1 = %+v, want C and no next", p2)
	}
	if none, err := s.CatalogChanges(ctx, "c9", "", 10); err != nil || len(none.Changes) != 0 || none.Changes == nil {
		t.Fatalf("changes of an unknown catalog = %+v, %v; want an empty list", none, err)
	}
}

// checkPriceHistory: the creation and the changes of price, newest first;
// not the change of description nor the removal.
func checkPriceHistory(ctx context.Context, t *testing.T, s catalog.Store, t0, t1, t2 time.Time) {
	t.Helper()
	hist, err := s.PriceHistory(ctx, "acme:B", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pt := range hist {
		got = append(got, pt.CatalogID+" "+pt.Price.String()+" "+pt.At.UTC().Format(time.RFC3339Nano))
	}
	want := []string{"c3 11 EUR " + t2.Format(time.RFC3339Nano), "c2 12.50 EUR " + t1.Format(time.RFC3339Nano), "c1 10.00 EUR " + t0.Format(time.RFC3339Nano)}
	if !slices.Equal(got, want) {
		t.Fatalf("price history of acme:B = %q, want %q", got, want)
	}
	if hist, err := s.PriceHistory(ctx, "acme:B", 1); err != nil || len(hist) != 1 || hist[0].CatalogID != "c3" {
		t.Fatalf("price history limited to 1 = %+v, %v; want the newest", hist, err)
	}
	if hist, err := s.PriceHistory(ctx, "acme:A", 0); err != nil || len(hist) != 1 {
		t.Fatalf("price history of acme:A = %+v, %v; want its creation only", hist, err)
	}
	if hist, err := s.PriceHistory(ctx, "acme:C", 0); err != nil || len(hist) != 0 || hist == nil {
		t.Fatalf("price history of acme:C (no price) = %+v, %v; want an empty list", hist, err)
	}
	if hist, err := s.PriceHistory(ctx, "acme:", 0); err != nil || len(hist) != 0 {
		t.Fatalf("price history of a prefix of ids = %+v, %v; want none", hist, err)
	}
}

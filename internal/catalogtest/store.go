package catalogtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// NewStore returns a fresh, empty store for one subtest; it registers its own
// cleanup with t.
type NewStore func(t *testing.T) catalog.Store

// SampleProduct returns a product of partner with key that uses every field,
// so a round trip through a store proves nothing is lost.
func SampleProduct(partner, key string) catalog.Product {
	price := catalog.Money{Amount: catalog.MustDecimal("1234.50"), Currency: "EUR"}
	vprice := catalog.Money{Amount: catalog.MustDecimal("0.125"), Currency: "USD"}
	return catalog.Product{
		ID:           catalog.ProductID(partner, key),
		Partner:      partner,
		Key:          key,
		SKU:          key,
		Name:         "Chaise pliante « Été » " + key,
		Description:  "L'assise d'été, pliable.\nSecond line.",
		Brand:        "Mobilia",
		Category:     []string{"Maison", "Jardin", "Chaises"},
		Price:        &price,
		GTIN:         "4006381333931",
		SupplierRef:  "BC-1010",
		Images:       []string{"https://img.example.com/a.jpg", "https://img.example.com/b.jpg"},
		MOQ:          12,
		Unit:         "carton de 6",
		LeadTimeDays: 21,
		Origin:       "FR",
		Attributes:   map[string]string{"Couleur": "Vert", "Matière": "Hêtre"},
		Variants: []catalog.Variant{
			{SKU: key + "-S", Options: map[string]string{"Taille": "S"}, Price: &vprice, Image: "https://img.example.com/s.jpg"},
			{SKU: key + "-M", GTIN: "4006381333931", Options: map[string]string{"Taille": "M"}},
		},
		Source:    catalog.Source{CatalogID: "cat-1", File: "incoming/" + partner + "/été.csv", Row: 7},
		Quality:   &catalog.Quality{Score: 95, Grade: catalog.GradeA, Issues: []string{"name_casing"}},
		Hash:      "sha256:" + key,
		UpdatedAt: time.Date(2026, 11, 28, 10, 30, 0, 123456789, time.UTC),
	}
}

func wantCode(t *testing.T, err error, code catalog.Code) {
	t.Helper()
	if got := catalog.CodeOf(err); got != code {
		t.Fatalf("error code = %q (err %v), want %q", got, err, code)
	}
}

// TestStore runs the catalog.Store conformance suite.
func TestStore(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	for _, c := range storeCases() {
		t.Run(c.name, func(t *testing.T) { c.run(ctx, t, newStore(t)) })
	}
}

// storeCase is one subtest of the suite; it gets a fresh, empty catalog.Store.
type storeCase struct {
	name string
	run  func(ctx context.Context, t *testing.T, s catalog.Store)
}

// storeCases lists the suite's subtests: a new behaviour is one function
// below and one line here.
func storeCases() []storeCase {
	return []storeCase{
		{"GetMissingProductIsNotFound", storeGetMissingProductIsNotFound},
		{"ProductRoundTripKeepsEveryField", storeProductRoundTripKeepsEveryField},
		{"RewriteIncrementsVersion", storeRewriteIncrementsVersion},
		{"LargeBatch", storeLargeBatch},
		{"ScanByPartner", storeScanByPartner},
		{"ProductsStopOnBreak", storeProductsStopOnBreak},
		{"ProductsEndWithTheError", storeProductsEndWithTheError},
		{"Delete", storeDelete},
		{"ConcurrentWritersOfDistinctProducts", storeConcurrentWritersOfDistinctProducts},
		{"CatalogRoundTrip", storeCatalogRoundTrip},
		{"CreateCatalogConflictsOnceCreated", storeCreateCatalogConflictsOnceCreated},
		{"SwapCatalogOneWinnerFromTheSameRead", storeSwapCatalogOneWinnerFromTheSameRead},
		{"ListCatalogsNewestFirst", storeListCatalogsNewestFirst},
		{"SessionGenerationsMoveOnlyFromTheStoredOne", storeSessionGenerationsMoveOnlyFromTheStoredOne},
		{"SlotRoundTrip", storeSlotRoundTrip},
		{"SlotUsedOnce", storeSlotUsedOnce},
		{"GetProductsLeavesOutTheMissing", storeGetProductsLeavesOutTheMissing},
		{"ChangesByCatalogAndPriceHistory", storeChangesByCatalogAndPriceHistory},
	}
}

func sampleCatalog(partner, id string, at time.Time) catalog.Catalog {
	return catalog.Catalog{ID: id, Partner: partner, Key: "incoming/" + partner + "/" + id + ".csv", File: id + ".csv",
		Mode: catalog.ModeFull, Status: catalog.StatusReceived, SHA256: "ab12", Size: 42, ReceivedAt: at}
}

func catalogIDs(cs []catalog.Catalog) []string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	return ids
}

func put(t *testing.T, s catalog.Store, ps ...catalog.Product) {
	t.Helper()
	if _, err := s.PutProducts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
}

func countProducts(t *testing.T, s catalog.Store, partner string) int {
	t.Helper()
	n := 0
	for p, err := range s.Products(context.Background(), partner) {
		if err != nil {
			t.Fatal(err)
		}
		if partner != "" && p.Partner != partner {
			t.Fatalf("Products(%q) gave a product of %q", partner, p.Partner)
		}
		n++
	}
	return n
}

func storeGetMissingProductIsNotFound(ctx context.Context, t *testing.T, s catalog.Store) {
	_, err := s.GetProduct(ctx, "acme:nope")
	wantCode(t, err, catalog.CodeNotFound)
}

func storeProductRoundTripKeepsEveryField(ctx context.Context, t *testing.T, s catalog.Store) {
	p := SampleProduct("acme", "SKU-1")
	stored, err := s.PutProducts(ctx, []catalog.Product{p})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 1 || stored[0].Version != 1 {
		t.Fatalf("stored = %+v, want one product at version 1", stored)
	}
	got, err := s.GetProduct(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	p.Version = 1
	if diff := diffProduct(p, got); diff != "" {
		t.Fatalf("round trip changed the product: %s", diff)
	}
}

func storeRewriteIncrementsVersion(ctx context.Context, t *testing.T, s catalog.Store) {
	p := SampleProduct("acme", "SKU-1")
	for want := int64(1); want <= 3; want++ {
		p.Name = fmt.Sprintf("name v%d", want)
		stored, err := s.PutProducts(ctx, []catalog.Product{p})
		if err != nil {
			t.Fatal(err)
		}
		if stored[0].Version != want {
			t.Fatalf("version = %d, want %d", stored[0].Version, want)
		}
	}
	got, err := s.GetProduct(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || got.Name != "name v3" {
		t.Fatalf("got version %d name %q, want 3 and the last name", got.Version, got.Name)
	}
}

func storeLargeBatch(ctx context.Context, t *testing.T, s catalog.Store) {
	var batch []catalog.Product
	for i := range 537 { // not a multiple of any backend's batch size
		batch = append(batch, SampleProduct("bulk", fmt.Sprintf("K%04d", i)))
	}
	if _, err := s.PutProducts(ctx, batch); err != nil {
		t.Fatal(err)
	}
	if n := countProducts(t, s, "bulk"); n != 537 {
		t.Fatalf("scan found %d products, want 537", n)
	}
}

func storeScanByPartner(ctx context.Context, t *testing.T, s catalog.Store) {
	put(t, s, SampleProduct("acme", "A1"), SampleProduct("acme", "A2"),
		SampleProduct("acme-2", "B1"), SampleProduct("zeta", "Z1"))
	for partner, want := range map[string]int{"acme": 2, "acme-2": 1, "zeta": 1, "nobody": 0, "": 4} {
		if n := countProducts(t, s, partner); n != want {
			t.Errorf("Products(%q) gave %d, want %d", partner, n, want)
		}
	}
}

// storeProductsStopOnBreak: a loop that breaks early ends the read, of one
// partner and of all (a parallel scan on DynamoDB); the iterator yields
// nothing after the break (Go would panic if it did).
func storeProductsStopOnBreak(ctx context.Context, t *testing.T, s catalog.Store) {
	var ps []catalog.Product
	for i := range 40 {
		ps = append(ps, SampleProduct("acme", fmt.Sprintf("A%d", i)), SampleProduct("zeta", fmt.Sprintf("Z%d", i)))
	}
	put(t, s, ps...)
	for _, partner := range []string{"acme", ""} {
		seen := 0
		for _, err := range s.Products(ctx, partner) {
			if err != nil {
				t.Fatalf("Products(%q): %v", partner, err)
			}
			if seen++; seen == 3 {
				break
			}
		}
		if seen != 3 {
			t.Fatalf("Products(%q): %d products before the break, want 3", partner, seen)
		}
	}
	// The store is still usable: a full read after the breaks.
	if n := countProducts(t, s, ""); n != 80 {
		t.Fatalf("after the breaks, Products gave %d, want 80", n)
	}
}

// storeProductsEndWithTheError: a read that fails (here, its context is
// cancelled) yields its error last, with a zero product.
func storeProductsEndWithTheError(ctx context.Context, t *testing.T, s catalog.Store) {
	put(t, s, SampleProduct("acme", "A1"), SampleProduct("acme", "A2"))
	for _, partner := range []string{"acme", ""} {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		var errs []error
		after := 0
		for p, err := range s.Products(cctx, partner) {
			if err != nil {
				errs = append(errs, err)
				if p.ID != "" {
					t.Errorf("Products(%q): the error came with product %q", partner, p.ID)
				}
				continue
			}
			if len(errs) > 0 {
				after++
			}
		}
		if len(errs) != 1 || after != 0 {
			t.Fatalf("Products(%q) with a cancelled context: errors %v, %d products after the error; want one error, last", partner, errs, after)
		}
	}
}

func storeDelete(ctx context.Context, t *testing.T, s catalog.Store) {
	put(t, s, SampleProduct("acme", "A1"), SampleProduct("acme", "A2"))
	if err := s.DeleteProducts(ctx, []string{"acme:A1", "acme:missing"}); err != nil {
		t.Fatal(err)
	}
	_, err := s.GetProduct(ctx, "acme:A1")
	wantCode(t, err, catalog.CodeNotFound)
	if _, err := s.GetProduct(ctx, "acme:A2"); err != nil {
		t.Fatalf("A2 should remain: %v", err)
	}
	if err := s.DeleteProducts(ctx, nil); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
}

func storeConcurrentWritersOfDistinctProducts(ctx context.Context, t *testing.T, s catalog.Store) {
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Go(func() {
			for i := range 10 {
				if _, err := s.PutProducts(ctx, []catalog.Product{SampleProduct("conc", fmt.Sprintf("W%d-%d", w, i))}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := countProducts(t, s, "conc"); n != 80 {
		t.Fatalf("found %d products, want 80", n)
	}
}

func storeCatalogRoundTrip(ctx context.Context, t *testing.T, s catalog.Store) {
	c := sampleCatalog("acme", "c1", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err := s.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.Status = catalog.StatusDone
	c.FinishedAt = c.ReceivedAt.Add(time.Minute)
	c.Report = &catalog.Report{Status: catalog.StatusDone, Format: "csv", Encoding: "utf-8", Rows: 3, Accepted: 2, Rejected: 1,
		Errors: []catalog.RowError{{Row: 4, Column: "Prix", Code: "bad_price", Message: "« abc » is not a price"}},
		Quality: &catalog.QualitySummary{Products: 2, Score: 70, Grades: map[string]int{"A": 1, "E": 1}, ToFix: 1,
			Issues: []catalog.IssueCount{{Code: "brand_missing", Message: "add the brand", Count: 1}}}}
	if err := s.PutCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetCatalog(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != catalog.StatusDone || got.Report == nil || got.Report.Rejected != 1 ||
		len(got.Report.Errors) != 1 || got.Report.Errors[0] != c.Report.Errors[0] ||
		!got.ReceivedAt.Equal(c.ReceivedAt) || !got.FinishedAt.Equal(c.FinishedAt) || got.Key != c.Key ||
		got.Report.Quality == nil || got.Report.Quality.Grades["E"] != 1 || len(got.Report.Quality.Issues) != 1 ||
		got.Report.Quality.Issues[0] != c.Report.Quality.Issues[0] {
		t.Fatalf("catalog round trip: got %+v report %+v", got, got.Report)
	}
	_, err = s.GetCatalog(ctx, "nope")
	wantCode(t, err, catalog.CodeNotFound)
}

func storeCreateCatalogConflictsOnceCreated(ctx context.Context, t *testing.T, s catalog.Store) {
	// Up to three rounds, each on a fresh ID, and one of them must have
	// exactly one winner: moto_server (the DynamoDB peer of the tests)
	// does not serialise conditional writes, so a second writer now and
	// then passes the condition in the same instant, which DynamoDB and
	// bbolt never allow. A store that ignored the conflict would have
	// every writer win in every round.
	const writers = 6
	var got []int
	for round := range 3 {
		c := sampleCatalog("acme", fmt.Sprintf("dup-%d", round), time.Now().UTC())
		var wg sync.WaitGroup
		results := make(chan error, writers)
		for range writers {
			wg.Go(func() { results <- s.CreateCatalog(ctx, c) })
		}
		wg.Wait()
		close(results)
		ok := 0
		for err := range results {
			switch catalog.CodeOf(err) {
			case "":
				ok++
			case catalog.CodeConflict:
			default:
				t.Fatalf("unexpected error %v", err)
			}
		}
		if ok == 1 {
			return
		}
		got = append(got, ok)
	}
	t.Fatalf("concurrent creates that succeeded, by round: %v; want exactly 1 in a round", got)
}

func storeSwapCatalogOneWinnerFromTheSameRead(ctx context.Context, t *testing.T, s catalog.Store) {
	prev := sampleCatalog("acme", "slot", time.Now().UTC())
	if err := s.CreateCatalog(ctx, prev); err != nil {
		t.Fatal(err)
	}
	// Every writer read the waiting record and claims it with its own
	// heartbeat: the first write wins, the others conflict. (One after
	// the other: making concurrent conditional writes atomic is the
	// backend's job, and moto_server does not serialise them.)
	const writers = 4
	for i := range writers {
		c := prev
		c.Status = catalog.StatusProcessing
		c.HeartbeatAt = prev.ReceivedAt.Add(time.Duration(i+1) * time.Millisecond)
		err := s.SwapCatalog(ctx, prev, c)
		if i == 0 && err != nil {
			t.Fatalf("the first swap: %v", err)
		}
		if i > 0 {
			wantCode(t, err, catalog.CodeConflict)
		}
	}
	got, err := s.GetCatalog(ctx, "slot")
	if err != nil || got.Status != catalog.StatusProcessing {
		t.Fatalf("after the swaps: %+v %v", got, err)
	}
	// A swap from the current record succeeds; from the first read, no more.
	done := got
	done.Status = catalog.StatusDone
	done.FinishedAt = got.HeartbeatAt.Add(time.Second)
	if err := s.SwapCatalog(ctx, got, done); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SwapCatalog(ctx, prev, got), catalog.CodeConflict)
	if got, _ := s.GetCatalog(ctx, "slot"); got.Status != catalog.StatusDone {
		t.Fatalf("a conflicting swap changed the record: %+v", got)
	}
	if ls, err := s.ListCatalogs(ctx, "acme", 0); err != nil || len(ls) != 1 || ls[0].Status != catalog.StatusDone {
		t.Fatalf("listing after swaps: %+v %v", ls, err)
	}
	missing := sampleCatalog("acme", "missing", time.Now().UTC())
	wantCode(t, s.SwapCatalog(ctx, missing, missing), catalog.CodeNotFound)
}

func storeListCatalogsNewestFirst(ctx context.Context, t *testing.T, s catalog.Store) {
	base := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for i, id := range []string{"old", "mid", "new"} {
		if err := s.CreateCatalog(ctx, sampleCatalog("acme", id, base.Add(time.Duration(i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.CreateCatalog(ctx, sampleCatalog("other", "x", base.Add(10*time.Hour))); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListCatalogs(ctx, "acme", 0)
	if err != nil {
		t.Fatal(err)
	}
	if ids := catalogIDs(got); fmt.Sprint(ids) != "[new mid old]" {
		t.Fatalf("ListCatalogs(acme) = %v, want [new mid old]", ids)
	}
	got, err = s.ListCatalogs(ctx, "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if ids := catalogIDs(got); fmt.Sprint(ids) != "[x new]" {
		t.Fatalf("ListCatalogs(all, 2) = %v, want [x new]", ids)
	}
}

func storeSessionGenerationsMoveOnlyFromTheStoredOne(ctx context.Context, t *testing.T, s catalog.Store) {
	const k1, k2 = "3f2a9c0e51b7d8a4c6e2f0b19d7a5c3e8b1f4d6a2c9e7b5d3f1a8c6e4b2d0f97", "00ff"
	for _, id := range []string{k1, k2} {
		if gen, err := s.SessionGeneration(ctx, id); err != nil || gen != 0 {
			t.Fatalf("a key never signed out: generation %d, %v; want 0", gen, err)
		}
	}
	// Sign-outs one after the other move the generation one by one; a
	// second sign-out of the same generation (a replayed session, a lost
	// race) conflicts and moves nothing. (One after the other: making
	// concurrent conditional writes atomic is the backend's job, and
	// moto_server does not serialise them.)
	for want := int64(1); want <= 3; want++ {
		gen, err := s.EndSessions(ctx, k1, want-1)
		if err != nil || gen != want {
			t.Fatalf("EndSessions(%d) = %d, %v; want %d", want-1, gen, err, want)
		}
		for _, stale := range []int64{0, want - 1, want + 1} {
			_, err := s.EndSessions(ctx, k1, stale)
			wantCode(t, err, catalog.CodeConflict)
		}
		if got, err := s.SessionGeneration(ctx, k1); err != nil || got != want {
			t.Fatalf("after %d sign-outs: generation %d, %v", want, got, err)
		}
	}
	if gen, err := s.SessionGeneration(ctx, k2); err != nil || gen != 0 {
		t.Fatalf("another key's generation moved: %d, %v", gen, err)
	}
	// Session records are neither products nor catalogs.
	if n := countProducts(t, s, ""); n != 0 {
		t.Fatalf("%d products after sign-outs, want 0", n)
	}
	if ls, err := s.ListCatalogs(ctx, "", 0); err != nil || len(ls) != 0 {
		t.Fatalf("catalogs after sign-outs: %+v %v", ls, err)
	}
	for _, bad := range []string{"", "../x", "a b", strings.Repeat("a", 129)} {
		_, err := s.SessionGeneration(ctx, bad)
		wantCode(t, err, catalog.CodeInvalid)
		_, err = s.EndSessions(ctx, bad, 0)
		wantCode(t, err, catalog.CodeInvalid)
	}
	_, err := s.EndSessions(ctx, k2, -1)
	wantCode(t, err, catalog.CodeInvalid)
}

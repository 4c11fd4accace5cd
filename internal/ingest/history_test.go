package ingest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// changeLines is a catalog's changes as "kind id fields before>after".
func changeLines(t *testing.T, s catalog.Store, catalogID string) []string {
	t.Helper()
	page, err := s.CatalogChanges(context.Background(), catalogID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range page.Changes {
		before, after := "-", "-"
		if c.PriceBefore != nil {
			before = c.PriceBefore.String()
		}
		if c.PriceAfter != nil {
			after = c.PriceAfter.String()
		}
		out = append(out, string(c.Kind)+" "+c.ProductID+" "+strings.Join(c.Fields, "+")+" "+before+">"+after)
	}
	return out
}

// TestIngestRecordsChanges: each upload records the products it created,
// changed (the fields, the price before and after) and removed; an
// unchanged product, an unchanged file and a dry run record nothing; each
// product's price history follows its prices.
func TestIngestRecordsChanges(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// Six products that never change keep the removal of one under the
	// removal guard.
	const header = "sku,name,price,currency,brand\n" +
		"F1,Filler one,1.00,EUR,F\nF2,Filler two,1.00,EUR,F\nF3,Filler three,1.00,EUR,F\n" +
		"F4,Filler four,1.00,EUR,F\nF5,Filler five,1.00,EUR,F\nF6,Filler six,1.00,EUR,F\n"
	v1 := e.ingest("acme", "v1.csv", header+
		"S1,Chaise de bureau,100.00,EUR,Sedia\n"+
		"S2,Table basse ronde,250.00,EUR,Sedia\n"+
		"S3,Lampe de chevet,30.00,EUR,Luma\n"+
		"S4,Tabouret haut,45.00,EUR,Sedia\n", catalog.ModeFull)
	if got, want := changeLines(t, e.store, v1.ID)[6:], []string{
		"created acme:S1  ->100.00 EUR", "created acme:S2  ->250.00 EUR", "created acme:S3  ->30.00 EUR", "created acme:S4  ->45.00 EUR",
	}; !slices.Equal(got, want) {
		t.Fatalf("changes of v1:\n%q\nwant\n%q", got, want)
	}
	e.now = e.now.Add(24 * time.Hour)
	// S1: new price; S2: new name and brand; S3: removed; S4: unchanged
	// (the price written otherwise); S5: new.
	v2 := e.ingest("acme", "v2.csv", header+
		"S1,Chaise de bureau,89.90,EUR,Sedia\n"+
		"S2,Table basse ovale,250.00,EUR,Bois\n"+
		"S4,Tabouret haut,45,EUR,Sedia\n"+
		"S5,Banc de jardin,120.00,EUR,Sedia\n", catalog.ModeFull)
	if v2.Status != catalog.StatusDone || v2.Report.Removed != 1 {
		t.Fatalf("v2: %s %+v", v2.Status, v2.Report)
	}
	want := []string{
		"changed acme:S1 price 100.00 EUR>89.90 EUR",
		"changed acme:S2 name+brand 250.00 EUR>250.00 EUR",
		"removed acme:S3  30.00 EUR>-",
		"created acme:S5  ->120.00 EUR",
	}
	if got := changeLines(t, e.store, v2.ID); !slices.Equal(got, want) {
		if len(got) == 5 {
			t.Fatalf("changes of v2 name the unchanged S4 (45 and 45.00 are one price):\n%q", got)
		}
		t.Fatalf("changes of v2:\n%q\nwant\n%q", got, want)
	}
	e.now = e.now.Add(24 * time.Hour)
	v3 := e.ingest("acme", "v3.csv", header+
		"S1,Chaise de bureau,79.00,EUR,Sedia\n"+
		"S2,Table basse ovale,250.00,EUR,Bois\n"+
		"S4,Tabouret haut,45,EUR,Sedia\n"+
		"S5,Banc de jardin,120.00,EUR,Sedia\n", catalog.ModeFull)
	hist, err := e.store.PriceHistory(ctx, "acme:S1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var points []string
	for _, pt := range hist {
		points = append(points, pt.CatalogID+" "+pt.Price.String()+" "+pt.At.Format(time.DateOnly))
	}
	if want := []string{v3.ID + " 79.00 EUR 2026-11-30", v2.ID + " 89.90 EUR 2026-11-29", v1.ID + " 100.00 EUR 2026-11-28"}; !slices.Equal(points, want) {
		t.Fatalf("price history of S1 = %q, want %q", points, want)
	}
	if hist, err := e.store.PriceHistory(ctx, "acme:S2", 0); err != nil || len(hist) != 1 {
		t.Fatalf("price history of S2 (price never changed) = %+v, %v; want its creation only", hist, err)
	}
	// The same file again (skipped as unchanged) and a dry run record
	// nothing.
	e.now = e.now.Add(time.Hour)
	again := e.ingest("acme", "v3.csv", header+
		"S1,Chaise de bureau,79.00,EUR,Sedia\n"+
		"S2,Table basse ovale,250.00,EUR,Bois\n"+
		"S4,Tabouret haut,45,EUR,Sedia\n"+
		"S5,Banc de jardin,120.00,EUR,Sedia\n", catalog.ModeFull)
	if got := changeLines(t, e.store, again.ID); len(got) != 0 {
		t.Fatalf("the same file again recorded %q", got)
	}
	e.put("incoming/acme/dry.csv", "sku,name,price,currency,brand\nS1,Chaise de bureau,1.00,EUR,Sedia\n")
	dry, err := e.svc.Ingest(ctx, ingest.Request{Partner: "acme", Key: "incoming/acme/dry.csv", DryRun: true, Mode: catalog.ModePartial})
	if err != nil {
		t.Fatal(err)
	}
	if got := changeLines(t, e.store, dry.ID); len(got) != 0 {
		t.Fatalf("a dry run recorded %q", got)
	}
	if hist, _ := e.store.PriceHistory(ctx, "acme:S1", 0); len(hist) != 3 {
		t.Fatalf("price history of S1 after the dry run has %d points, want 3", len(hist))
	}
}

package bleveindex_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
)

// TestInsightsFollowWrites: the insights are cached per index generation,
// so a write (upsert, delete) is in the next answer, and an answer changed
// by its caller does not change the next one.
func TestInsightsFollowWrites(t *testing.T) {
	ctx := context.Background()
	x, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	total := func() catalog.Insights {
		t.Helper()
		in, err := x.Insights(ctx, catalog.InsightsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	if err := x.Upsert(ctx, []catalog.Product{catalogtest.SampleProduct("acme", "A")}); err != nil {
		t.Fatal(err)
	}
	first := total()
	if first.Total != 1 || len(first.Partners) != 1 {
		t.Fatalf("first = %+v", first)
	}
	first.Partners[0].Value = "changed by the caller"
	if again := total(); again.Partners[0].Value != "acme" {
		t.Fatalf("a caller's change leaked into the cache: %+v", again.Partners)
	}
	if err := x.Upsert(ctx, []catalog.Product{catalogtest.SampleProduct("zeta", "B")}); err != nil {
		t.Fatal(err)
	}
	if in := total(); in.Total != 2 || len(in.Partners) != 2 {
		t.Fatalf("after an upsert = %+v", in)
	}
	if err := x.Delete(ctx, []string{"acme:A"}); err != nil {
		t.Fatal(err)
	}
	if in := total(); in.Total != 1 || in.Partners[0].Value != "zeta" {
		t.Fatalf("after a delete = %+v", in)
	}
}

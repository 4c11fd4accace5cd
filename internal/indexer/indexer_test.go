package indexer_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/indexer"
)

func TestApplyIsIdempotentAndNeverRollsBack(t *testing.T) {
	ctx := context.Background()
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()

	v1 := catalogtest.SampleProduct("acme", "A1")
	v1.Version, v1.Name = 1, "parasol ancien"
	v2 := v1
	v2.Version, v2.Name = 2, "parasol nouveau"
	other := catalogtest.SampleProduct("acme", "B1")
	other.Version = 1

	batch := []catalog.Change{
		{Op: catalog.OpUpsert, ID: v1.ID, Product: &v1},
		{Op: catalog.OpUpsert, ID: v2.ID, Product: &v2}, // last change of A1 in the batch wins
		{Op: catalog.OpUpsert, ID: other.ID, Product: &other},
		{Op: catalog.OpDelete, ID: other.ID},
	}
	for range 2 { // a replayed batch changes nothing
		if err := indexer.Apply(ctx, idx, batch); err != nil {
			t.Fatal(err)
		}
	}
	// A late delivery of the old version must not roll A1 back.
	if err := indexer.Apply(ctx, idx, []catalog.Change{{Op: catalog.OpUpsert, ID: v1.ID, Product: &v1}}); err != nil {
		t.Fatal(err)
	}
	if n, _ := idx.Count(ctx); n != 1 {
		t.Fatalf("count = %d, want 1 (B1 deleted)", n)
	}
	q := catalog.Query{Text: "nouveau"}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Hits[0].Product.Version != 2 {
		t.Fatalf("search nouveau = %+v, want A1 at version 2", res)
	}

	for _, bad := range [][]catalog.Change{
		{{Op: catalog.OpUpsert, ID: "x"}},
		{{Op: "rename", ID: "x"}},
	} {
		if err := indexer.Apply(ctx, idx, bad); catalog.CodeOf(err) != catalog.CodeInvalid {
			t.Errorf("Apply(%+v) = %v, want code invalid", bad, err)
		}
	}
}

package awslambda_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// rebuilt is a Reindexer that records the rebuild and the catch-up's
// upserts; failAt makes the upsert of that batch (1-based) fail.
type rebuilt struct {
	catalog.Index
	reindexed int
	batches   []int
	upserted  map[string]bool
	failAt    int
}

func (r *rebuilt) Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error) {
	for _, err := range src {
		if err != nil {
			return r.reindexed, err
		}
		r.reindexed++
	}
	return r.reindexed, nil
}

func (r *rebuilt) Ensure(context.Context) error { return nil }

func (r *rebuilt) Upsert(_ context.Context, products []catalog.Product) error {
	r.batches = append(r.batches, len(products))
	if len(r.batches) == r.failAt {
		return errors.New("bulk refused")
	}
	for _, p := range products {
		r.upserted[p.ID] = true
	}
	return nil
}

func (r *rebuilt) Count(context.Context) (int, error) { return r.reindexed, nil }

// The reindex's catch-up pass upserts again, in batches of at most 500,
// exactly the products written within CatchUpMinutes before the start,
// and counts them; a failed batch fails the run.
func TestReindexCatchesUpRecentWrites(t *testing.T) {
	start := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	st, _ := embeddedtest.Open(t)
	var products []catalog.Product
	recent := map[string]bool{}
	for i := range 1301 {
		p := catalog.Product{Partner: "acme", Key: fmt.Sprint("k", i), Name: "Chaise", UpdatedAt: start.Add(-time.Duration(i%13) * time.Minute)}
		p.ID = catalog.ProductID(p.Partner, p.Key)
		if i%13 <= 5 { // within the 5 minutes of the margin, bound included
			recent[p.ID] = true
		}
		products = append(products, p)
	}
	if _, err := st.PutProducts(t.Context(), products); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		failAt  int
		batches []int
		err     bool
	}{
		{"every recent product, in batches of 500", 0, []int{500, 101}, false},
		{"a refused batch fails the run", 2, []int{500, 101}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := &rebuilt{upserted: map[string]bool{}, failAt: tt.failAt}
			h := &awslambda.ReindexHandler{Store: st, Index: idx, Clock: func() time.Time { return start }}
			res, err := h.Handle(t.Context(), awslambda.ReindexRequest{CatchUpMinutes: 5})
			if (err != nil) != tt.err {
				t.Fatalf("err %v, want an error: %v", err, tt.err)
			}
			if fmt.Sprint(idx.batches) != fmt.Sprint(tt.batches) {
				t.Fatalf("upsert batches %v, want %v", idx.batches, tt.batches)
			}
			if tt.err {
				return
			}
			if res.Indexed != 1301 || res.CaughtUp != len(recent) || len(idx.upserted) != len(recent) {
				t.Fatalf("result %+v, %d upserted; want 1301 indexed, %d caught up", res, len(idx.upserted), len(recent))
			}
			for id := range recent {
				if !idx.upserted[id] {
					t.Fatalf("recent product %s not caught up", id)
				}
			}
		})
	}
}

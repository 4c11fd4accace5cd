package bleveindex

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// generated returns n generated products of several partners, version 1,
// with distinct update times (see TestColumnPathsMatchCollector).
func generated(t testing.TB, n int) []catalog.Product {
	t.Helper()
	var all []catalog.Product
	for _, prof := range demogen.Profiles() {
		_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 5, Rows: n / len(demogen.Profiles()), Profile: prof}, func(p catalog.Product) error {
			p.Version = 1
			p.UpdatedAt = time.Unix(1_700_000_000+int64(len(all)), 0).UTC()
			all = append(all, p)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return all
}

// row is one document's column values, decoded.
type row struct {
	brand, partner, leaf, currency, offer, name string
	price                                       uint64 // bits: NaN compares
	updated                                     int64
	grade, avail, lead                          uint8
}

// decoded are columns with their codes replaced by values, as searches
// see them: two builds of a snapshot may code values differently.
type decoded struct {
	live   []uint32
	rows   map[uint32]row
	byLeaf map[string][]uint32 // non-empty lists only
	paths  map[string][]string // of the leaves with live documents
}

func decodeColumns(t *testing.T, c *columns) decoded {
	t.Helper()
	val := func(vals []string, code int32) string {
		if code < 0 {
			return "\x00none"
		}
		return vals[code]
	}
	d := decoded{live: c.live, rows: map[uint32]row{}, byLeaf: map[string][]uint32{}, paths: map[string][]string{}}
	for _, num := range c.live {
		d.rows[num] = row{
			brand: val(c.brandVals, c.brand[num]), partner: val(c.partnerVals, c.partner[num]),
			leaf: val(c.leafVals, c.leaf[num]), currency: val(c.currencyVals, c.currency[num]),
			offer: val(c.offerVals, c.offer[num]), name: c.name[num], price: math.Float64bits(c.price[num]),
			updated: c.updated[num], grade: c.grade[num], avail: c.avail[num], lead: c.lead[num],
		}
	}
	for l, nums := range c.byLeaf {
		if len(nums) > 0 {
			d.byLeaf[c.leafVals[l]] = nums
			var ps []string
			for _, p := range c.leafPaths[l] {
				ps = append(ps, c.pathVals[p])
			}
			d.paths[c.leafVals[l]] = ps
		}
	}
	// Each dictionary codes each of its values once, consistently.
	dicts := []struct {
		name  string
		vals  []string
		codes map[string]int32
	}{
		{"brand", c.brandVals, c.brandCode}, {"partner", c.partnerVals, c.partnerCode}, {"leaf", c.leafVals, c.leafCode},
		{"currency", c.currencyVals, c.currencyCode}, {"offer", c.offerVals, c.offerCode}, {"path", c.pathVals, c.pathCode},
	}
	for _, dict := range dicts {
		if dict.codes == nil && len(dict.vals) == 0 {
			continue
		}
		if len(dict.codes) != len(dict.vals) {
			t.Errorf("%s dictionary: %d codes for %d values", dict.name, len(dict.codes), len(dict.vals))
		}
		for i, v := range dict.vals {
			if dict.codes[v] != int32(i) { //nolint:gosec // test sizes
				t.Errorf("%s dictionary: %q has code %d at %d", dict.name, v, dict.codes[v], i)
			}
		}
	}
	return d
}

// sameColumns says where columns got differ from want, "" when they do
// not (want read whole, got incrementally).
func sameColumns(t *testing.T, got, want *columns) string {
	t.Helper()
	g, w := decodeColumns(t, got), decodeColumns(t, want)
	var diffs []string
	if !slices.Equal(g.live, w.live) {
		diffs = append(diffs, fmt.Sprintf("live: %d documents, want %d", len(g.live), len(w.live)))
	}
	n := 0
	for num, wr := range w.rows {
		if gr := g.rows[num]; gr != wr && n < 5 {
			diffs = append(diffs, fmt.Sprintf("document %d: %+v, want %+v", num, gr, wr))
			n++
		}
	}
	if !reflect.DeepEqual(g.byLeaf, w.byLeaf) {
		diffs = append(diffs, fmt.Sprintf("byLeaf: %d leaves, want %d", len(g.byLeaf), len(w.byLeaf)))
	}
	if !reflect.DeepEqual(g.paths, w.paths) {
		diffs = append(diffs, fmt.Sprintf("leaf paths: %v, want %v", g.paths, w.paths))
	}
	return strings.Join(diffs, "\n")
}

// writeOps applies random writes: upserts of changed products (a new
// brand or category now and then), upserts of new ones, deletes, and
// forced merges, as the ingest and the background merger do.
type writeOps struct {
	x       *Index
	rng     *rand.Rand
	all     []catalog.Product
	round   int
	batches [][]string // the ids of each batch of new products
}

func (w *writeOps) step(ctx context.Context, t *testing.T) string {
	t.Helper()
	w.round++
	switch op := w.rng.IntN(10); {
	case op < 5: // change some products
		var ps []catalog.Product
		for range 1 + w.rng.IntN(40) {
			i := w.rng.IntN(len(w.all))
			p := w.all[i]
			p.Version++
			p.Name += fmt.Sprintf(" r%d", w.round)
			switch w.rng.IntN(4) {
			case 0:
				p.Brand = fmt.Sprintf("Brand%d", w.round)
			case 1:
				p.Category = []string{"Neuf", fmt.Sprintf("Rayon %d", w.round%3)}
			}
			w.all[i] = p
			ps = append(ps, p)
		}
		if err := w.x.Upsert(ctx, ps); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("upsert %d", len(ps))
	case op < 6 && len(w.batches) > 0:
		// Every product of an earlier batch of new ones: its segment, if
		// not merged meanwhile, has no live document left and leaves the
		// snapshot, so the segments after it move to lower numbers.
		i := w.rng.IntN(len(w.batches))
		ids := w.batches[i]
		w.batches = slices.Delete(w.batches, i, i+1)
		if err := w.x.Delete(ctx, ids); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("delete batch of %d", len(ids))
	case op < 7: // new products
		var ps []catalog.Product
		var ids []string
		for i := range 1 + w.rng.IntN(30) {
			p := w.all[w.rng.IntN(len(w.all))]
			p.Key = fmt.Sprintf("NEW-%d-%d", w.round, i)
			p.ID = catalog.ProductID(p.Partner, p.Key)
			p.Version = 1
			w.all = append(w.all, p)
			ps = append(ps, p)
			ids = append(ids, p.ID)
		}
		w.batches = append(w.batches, ids)
		if err := w.x.Upsert(ctx, ps); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("insert %d", len(ps))
	case op < 9: // delete some
		var ids []string
		for range 1 + w.rng.IntN(20) {
			ids = append(ids, w.all[w.rng.IntN(len(w.all))].ID)
		}
		if err := w.x.Delete(ctx, ids); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("delete %d", len(ids))
	default:
		if err := w.x.Optimize(ctx); err != nil {
			t.Fatal(err)
		}
		return "merge"
	}
}

// TestIncrementalBuildEqualsFullBuild builds the columns of each snapshot
// after random writes and merges (fixed seed) from those of the previous
// one, and compares them with the columns read whole from the same
// snapshot: every column of every live document, values decoded, the
// live list, the documents of each leaf and its paths.
func TestIncrementalBuildEqualsFullBuild(t *testing.T) {
	// Which kinds of build the writes give depends on Bleve's background
	// merges (a batch's segment deleted whole leaves the snapshot only if
	// no merge took it first), whose timing moves with the machine's
	// load: the scenario runs again with other seeds, every build still
	// compared with a full one, until each kind has been seen.
	var total buildCheck
	for attempt, seed := range []uint64{7, 17, 27, 37} {
		chk := incrementalScenario(t, seed)
		total.incremental += chk.incremental
		total.extended += chk.extended
		total.spared += chk.spared
		total.copied += chk.copied
		total.moved += chk.moved
		total.skipped += chk.skipped
		t.Logf("seed %d: %d incremental builds of 79, %d in the previous arrays, %d in spare ones; %d segments copied, %d of them to another offset; %d not copied again into spare arrays",
			seed, chk.incremental, chk.extended, chk.spared, chk.copied, chk.moved, chk.skipped)
		if chk.incremental < 30 {
			t.Errorf("seed %d: %d incremental builds of 79: the writes should give mostly incremental builds", seed, chk.incremental)
		}
		if t.Failed() || (total.extended > 0 && total.copied > 0 && total.moved > 0 && total.skipped > 0) {
			return
		}
		if attempt == 3 {
			// Without these kinds the comparisons above prove less.
			t.Error("no seed gave builds in the previous arrays, segments moved and segments skipped in spare arrays")
		}
	}
}

// incrementalScenario runs 80 steps of random writes and merges (seed)
// on a fresh index, building the columns of each snapshot from those of
// the previous one and comparing them with a full build of it.
func incrementalScenario(t *testing.T, seed uint64) *buildCheck {
	t.Helper()
	ctx := context.Background()
	x, all := openGenerated(t, 1500)
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	w := &writeOps{x: x, rng: rand.New(rand.NewPCG(seed, 11)), all: all}
	chk := &buildCheck{t: t, ctx: ctx, idx: idx}
	for step := range 80 {
		what := "first"
		if step > 0 {
			what = w.step(ctx, t)
		}
		chk.step(fmt.Sprintf("seed %d, step %d (%s)", seed, step, what))
	}
	_ = chk.prev.reader.Close()
	return chk
}

// buildCheck builds the columns of each snapshot of idx on the previous
// ones, as columnCache does, and checks them against a full build.
type buildCheck struct {
	t   *testing.T
	ctx context.Context
	idx bleve.Index

	prev  *columns
	spare *rowArrays // as columnCache.spare: arrays no columns use
	// shadow are arrays that a second build of each snapshot writes in,
	// copying rather than extending, as into spare arrays: they hold the
	// rows of the previous snapshot's layout, and the build copies only
	// the segments they do not hold at the same offset.
	shadow *rowArrays

	incremental, copied, moved, extended, spared, skipped int
}

func (c *buildCheck) step(what string) {
	t := c.t
	t.Helper()
	r, err := snapshotOf(c.idx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.(*scorch.IndexSnapshot); !ok {
		t.Fatalf("reader %T: not a scorch snapshot, the incremental build is not tested", r)
	}
	var before decoded
	if c.prev != nil {
		before = decodeColumns(t, c.prev)
	}
	p := planBuild(r, c.prev)
	if c.spare != nil && p.base != nil && !p.extend {
		p.spare, c.spare = c.spare, nil
	}
	got, err := buildSegments(c.ctx, p)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	switch {
	case p.spare != nil && got.arrays == p.spare:
		c.spared++
	case p.spare != nil:
		c.spare = p.spare // not used
	}
	got.arrays.segs, got.arrays.dicts = got.segs, got.dicts // as columnCache.finish does
	// The previous columns, still in use by the searches holding them,
	// are left as they were (dictionaries cloned before they grow).
	if c.prev != nil && !reflect.DeepEqual(decodeColumns(t, c.prev), before) {
		t.Fatalf("%s: building the next columns changed the previous ones", what)
	}
	want, err := buildColumns(c.ctx, r, c.idx)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameColumns(t, got, want); d != "" {
		t.Fatalf("%s (%d segments, incremental %v, %d read): incremental build differs from a full one:\n%s",
			what, len(p.segs), p.base != nil, p.read, d)
	}
	c.buildShadow(what, r, p, got, want)
	c.buildAgain(what, r, got, want)
	c.count(p)
	if c.prev != nil {
		_ = c.prev.reader.Close()
		if c.prev.arrays != got.arrays {
			c.spare = c.prev.arrays // no columns use them any more
		}
	}
	c.prev = got
}

// buildShadow builds snapshot r again into the shadow arrays.
func (c *buildCheck) buildShadow(what string, r index.IndexReader, p buildPlan, got, want *columns) {
	t := c.t
	t.Helper()
	if p.base != nil && c.shadow != nil {
		q := planBuild(r, c.prev)
		q.extend, q.same, q.spare = false, false, c.shadow
		sh, err := buildSegments(c.ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if sh.arrays == c.shadow {
			for _, s := range q.segs {
				if s.from >= 0 && c.shadow.holds(s.span) {
					c.skipped++
				}
			}
		}
		if d := sameColumns(t, sh, want); d != "" {
			t.Fatalf("%s: a build into spare arrays differs from a full one:\n%s", what, d)
		}
		c.shadow = nil // (sh.reader is r, closed with got)
		if sh.arrays != got.arrays && sh.arrays != c.prev.arrays {
			c.shadow = sh.arrays
			c.shadow.segs, c.shadow.dicts = sh.segs, sh.dicts
		}
	}
	if c.shadow == nil {
		// Arrays of their own for the next step's shadow build.
		own := &columns{}
		own.allocate(p.rows)
		c.shadow = own.arrays
	}
}

// buildAgain builds snapshot r again on its own columns: nothing new,
// nothing copied.
func (c *buildCheck) buildAgain(what string, r index.IndexReader, got, want *columns) {
	t := c.t
	t.Helper()
	again := planBuild(r, got)
	if !again.same || again.read != 0 {
		t.Fatalf("%s: a second build of the same snapshot is not the same columns (read %d)", what, again.read)
	}
	same, err := buildSegments(c.ctx, again)
	if err != nil {
		t.Fatal(err)
	}
	if d := sameColumns(t, same, want); d != "" {
		t.Fatalf("%s: a second build of the same snapshot differs:\n%s", what, d)
	}
}

// count counts the kinds of build and copies.
func (c *buildCheck) count(p buildPlan) {
	if p.base == nil {
		return
	}
	c.incremental++
	if p.extend {
		c.extended++
	}
	for _, s := range p.segs {
		if s.from >= 0 {
			c.copied++
			if c.prev.segs[s.from].offset != s.span.offset {
				c.moved++
			}
		}
	}
}

// TestCachedColumnsEqualFullBuild runs random writes and merges with the
// cache building after each write (kick) and chasing the snapshot: the
// columns a search then acquires equal a full build of their snapshot.
func TestCachedColumnsEqualFullBuild(t *testing.T) {
	ctx := context.Background()
	x, all := openGenerated(t, 1500)
	if _, err := x.Search(ctx, catalog.Query{Facets: []string{catalog.FacetBrand}}); err != nil {
		t.Fatal(err) // asks for columns: writes build them from now on
	}
	w := &writeOps{x: x, rng: rand.New(rand.NewPCG(3, 5)), all: all}
	for step := range 40 {
		what := w.step(ctx, t)
		idx, release, err := x.reader()
		if err != nil {
			t.Fatal(err)
		}
		cols, err := x.cols.acquire(ctx, idx)
		if err != nil {
			t.Fatal(err)
		}
		if cols != nil {
			want, err := buildColumns(ctx, cols.reader, idx)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameColumns(t, cols, want); d != "" {
				t.Errorf("step %d (%s): cached columns differ from a full build of their snapshot:\n%s", step, what, d)
			}
			x.cols.release(cols)
		}
		release()
	}
}

// TestSearchDuringWritesMatchesCollector writes batches, as the ingest
// does, and searches right after each: the searches wait for the small
// build the write started and answer from the columns, with the answer of
// Bleve's own collector (no other write in between: the same documents).
func TestSearchDuringWritesMatchesCollector(t *testing.T) {
	ctx := context.Background()
	x, all := openGenerated(t, 1500)
	if err := x.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	p := all[10]
	top := p.Category[0]
	all4 := []string{catalog.FacetBrand, catalog.FacetCategory, catalog.FacetPartner, catalog.FacetPrice}
	queries := []catalog.Query{
		{Facets: all4},
		{Filters: catalog.Filters{Categories: []string{top}}, Facets: all4, Sort: catalog.SortPriceAsc},
		{Text: search.Fold(p.Name[:5]) + " ", Facets: all4},
		{Filters: catalog.Filters{Brands: []string{p.Brand}}, Facets: all4},
	}
	for i := range queries {
		if err := queries[i].Validate(); err != nil { // the defaults Search fills in
			t.Fatal(err)
		}
	}
	if _, err := x.Search(ctx, queries[0]); err != nil {
		t.Fatal(err) // the first build (all documents) starts
	}
	x.cols.wg.Wait()
	var viaColumns int
	var mu sync.Mutex
	x.cols.beforeMu.Lock()
	x.cols.acquired = func() { mu.Lock(); viaColumns++; mu.Unlock() }
	x.cols.beforeMu.Unlock()
	w := &writeOps{x: x, rng: rand.New(rand.NewPCG(1, 2)), all: all}
	rounds := 0
	for range 30 {
		if what := w.step(ctx, t); what == "merge" {
			continue // a full merge makes a large build: not waited for
		}
		rounds++
		for _, q := range queries {
			got, err := x.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			want, hasText := collectorAnswer(ctx, t, x, q)
			if d := pathDiff(q, hasText, got, want); d != "" {
				t.Errorf("round %d %+v: %s", rounds, q, d)
			}
		}
	}
	// Each write's build is small: the searches after it wait for it and
	// use the columns (a background merge may make one large, rarely).
	if viaColumns < rounds*len(queries)*3/4 {
		t.Errorf("%d of %d searches after a write used the columns; want nearly all", viaColumns, rounds*len(queries))
	}
}

// TestConcurrentSearchesMatchFullBuild writes continuously while searches
// run on the columns they acquire: each answer equals the answer on a
// full build of the same snapshot (which TestColumnPathsMatchCollector
// holds equal to the collector's).
func TestConcurrentSearchesMatchFullBuild(t *testing.T) {
	ctx := context.Background()
	x, all := openGenerated(t, 1500)
	if _, err := x.Search(ctx, catalog.Query{}); err != nil {
		t.Fatal(err)
	}
	x.cols.wg.Wait()
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		w := &writeOps{x: x, rng: rand.New(rand.NewPCG(9, 9)), all: slices.Clone(all)}
		for wctx.Err() == nil {
			if w.rng.IntN(10) == 9 {
				continue // no forced merge here: the background merger merges
			}
			w.step(ctx, t)
		}
	})
	all4 := []string{catalog.FacetBrand, catalog.FacetCategory, catalog.FacetPartner, catalog.FacetPrice}
	q := catalog.Query{Text: search.Fold(all[3].Name[:5]) + " ", Facets: all4}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	text := textQuery(search.NewPlan(q.Text, x.syn), x.txt)
	checked := 0
	for range 40 {
		idx, release, err := x.reader()
		if err != nil {
			t.Fatal(err)
		}
		cols, err := x.cols.acquire(ctx, idx)
		if err != nil {
			t.Fatal(err)
		}
		if cols != nil {
			checked++
			got, err := x.searchColumns(ctx, idx, cols, math.MaxUint64, q, text)
			if err != nil {
				t.Fatal(err)
			}
			full, err := buildColumns(ctx, cols.reader, idx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := x.searchColumns(ctx, idx, full, math.MaxUint64, q, text)
			if err != nil {
				t.Fatal(err)
			}
			if d := pathDiff(q, true, got, want); d != "" {
				t.Errorf("search during writes: %s", d)
			}
			x.cols.release(cols)
		}
		release()
	}
	stop()
	wg.Wait()
	if checked == 0 {
		t.Error("no search acquired columns during the writes")
	}
}

// TestSearchWaitsForSmallBuild holds the incremental build a write starts:
// a search meanwhile waits for it (a small build) rather than running on
// the collector, and once it is released answers from the columns with
// the write in it.
func TestSearchWaitsForSmallBuild(t *testing.T) {
	ctx := context.Background()
	x := openFixture(t)
	defer func() { _ = x.Close() }()
	q := catalog.Query{Filters: catalog.Filters{Brands: []string{"Zeta"}}, Facets: []string{catalog.FacetBrand}, Page: 1, Size: 10, FacetSize: 100}
	if _, err := x.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	x.cols.wg.Wait()
	b := holdBuilds(x)
	var viaColumns sync.WaitGroup
	viaColumns.Add(1)
	x.cols.beforeMu.Lock()
	x.cols.acquired = sync.OnceFunc(viaColumns.Done)
	x.cols.beforeMu.Unlock()
	added := indextest.Fixture()[0]
	added.ID, added.SKU, added.Brand = "p-zeta", "ZETA-1", "Zeta"
	if err := x.Upsert(ctx, []catalog.Product{added}); err != nil {
		t.Fatal(err)
	}
	<-b.started // the write's build, held
	type answer struct {
		res catalog.Result
		err error
	}
	got := make(chan answer, 1)
	go func() {
		res, err := x.Search(ctx, q)
		got <- answer{res, err}
	}()
	select {
	case a := <-got:
		t.Fatalf("the search answered (%d hits, %v) while the small build of its snapshot was held; it should wait for it", a.res.Total, a.err)
	case <-time.After(200 * time.Millisecond):
	}
	close(b.release)
	a := <-got
	if a.err != nil {
		t.Fatal(a.err)
	}
	viaColumns.Wait() // the answer came from the columns
	if a.res.Total != 1 || facetCount(a.res.Facets[catalog.FacetBrand], "Zeta") != 1 {
		t.Errorf("after the write: %d hits, brands %v; want the Zeta product", a.res.Total, a.res.Facets[catalog.FacetBrand])
	}
}

// BenchmarkColumnBuild times the builds of the columns of a snapshot:
// whole (first build after open), and incremental after a write of 500,
// 5,000 and 50,000 changed products. The index is generated (20,000
// products), or the copy of an index named by BLEVEINDEX_BENCH_INDEX (it
// is written to: pass a copy), e.g. the one searchbench -keep leaves:
//
//	cp -a /tmp/keep/1000000 /tmp/bench-index
//	BLEVEINDEX_BENCH_INDEX=/tmp/bench-index go test -run '^$' -bench ColumnBuild -benchtime 3x ./internal/bleveindex/
func BenchmarkColumnBuild(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("BLEVEINDEX_BENCH_INDEX")
	generate := path == ""
	if generate {
		path = filepath.Join(b.TempDir(), "index")
	}
	x, err := Open(path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = x.Close() }()
	var sample []catalog.Product
	if generate {
		sample = generated(b, 20_000)
		if err := x.Upsert(ctx, sample); err != nil {
			b.Fatal(err)
		}
	} else {
		sample = storedSample(ctx, b, x, 50_000)
	}
	idx, release, err := x.reader()
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	build := func(b *testing.B, base *columns) *columns {
		b.Helper()
		r, err := snapshotOf(idx)
		if err != nil {
			b.Fatal(err)
		}
		p := planBuild(r, base)
		cols, err := buildSegments(ctx, p)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(p.read), "read/op")
		b.ReportMetric(float64(len(cols.live)), "docs")
		return cols
	}
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			cols := build(b, nil)
			_ = cols.reader.Close()
		}
	})
	for _, n := range []int{500, 5000, 50_000} {
		b.Run(fmt.Sprintf("after-%d", n), func(b *testing.B) {
			round := 0
			for b.Loop() {
				b.StopTimer()
				base := build(b, nil)
				round++
				ps := make([]catalog.Product, 0, n)
				for i := range n {
					p := sample[i%len(sample)]
					p.Version += int64(1000 + round)
					p.Name += fmt.Sprintf(" b%d", round)
					ps = append(ps, p)
				}
				if err := x.Upsert(ctx, ps); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				cols := build(b, base)
				b.StopTimer()
				_ = cols.reader.Close()
				_ = base.reader.Close()
				b.StartTimer()
			}
		})
	}
}

// storedSample reads up to n products of x back from the index.
func storedSample(ctx context.Context, b *testing.B, x *Index, n int) []catalog.Product {
	b.Helper()
	idx, release, err := x.reader()
	if err != nil {
		b.Fatal(err)
	}
	defer release()
	r, err := snapshotOf(idx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	cols, err := buildSegments(ctx, planBuild(r, nil))
	if err != nil {
		b.Fatal(err)
	}
	var out []catalog.Product
	for i := 0; i < len(cols.live) && len(out) < n; i += max(1, len(cols.live)/n) {
		p, err := x.storedProduct(r, index.NewIndexInternalID(nil, uint64(cols.live[i])))
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// openGenerated opens an index in a temporary folder, in batches of 100,
// and upserts n generated products into it; the index is closed when the
// test ends.
func openGenerated(t *testing.T, n int) (*Index, []catalog.Product) {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{BatchSize: 100})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	all := generated(t, n)
	if err := x.Upsert(context.Background(), all); err != nil {
		t.Fatal(err)
	}
	return x, all
}

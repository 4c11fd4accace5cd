package bleveindex

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// blockedBuilds holds every background column build at its start until
// released (or cancelled), and counts the builds started.
type blockedBuilds struct {
	started chan struct{} // one value per build started
	release chan struct{} // closed: builds go on

	mu        sync.Mutex
	n         int
	cancelled bool // a build saw its context cancelled while held
}

func holdBuilds(x *Index) *blockedBuilds {
	b := &blockedBuilds{started: make(chan struct{}, 64), release: make(chan struct{})}
	x.cols.beforeMu.Lock()
	defer x.cols.beforeMu.Unlock()
	x.cols.before = func(ctx context.Context) {
		b.mu.Lock()
		b.n++
		b.mu.Unlock()
		b.started <- struct{}{}
		select {
		case <-b.release:
		case <-ctx.Done():
			b.mu.Lock()
			b.cancelled = true
			b.mu.Unlock()
		}
	}
	return b
}

func (b *blockedBuilds) count() (int, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, b.cancelled
}

func openFixture(t *testing.T) *Index {
	t.Helper()
	x, err := Open(filepath.Join(t.TempDir(), "index"), Options{BatchSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Upsert(context.Background(), indextest.Fixture()); err != nil {
		t.Fatal(err)
	}
	return x
}

// TestSearchDoesNotWaitForColumnBuild holds the background build of the
// columns until the test has its answers: every search, text or none,
// before and after a write, is answered meanwhile (by the collector, the
// same answer), and only one build is started however many searches ask.
// Building the columns in the search, as before, blocks the first search
// here forever.
func TestSearchDoesNotWaitForColumnBuild(t *testing.T) {
	ctx := context.Background()
	x := openFixture(t)
	defer func() { _ = x.Close() }()
	b := holdBuilds(x)
	queries := []catalog.Query{
		{Facets: []string{catalog.FacetCategory, catalog.FacetBrand, catalog.FacetPrice}},
		{Filters: catalog.Filters{Categories: []string{"Maison"}}, Facets: []string{catalog.FacetCategory, catalog.FacetPartner}},
		{Filters: catalog.Filters{Brands: []string{"Acme"}}, Facets: []string{catalog.FacetBrand}, Sort: catalog.SortPriceAsc},
		{Text: "chaise", Facets: []string{catalog.FacetBrand, catalog.FacetCategory}},
	}
	check := func(stage string) {
		t.Helper()
		for _, q := range queries {
			got, err := x.Search(ctx, q)
			if err != nil {
				t.Fatalf("%s: %+v: %v", stage, q, err)
			}
			if err := q.Validate(); err != nil {
				t.Fatal(err)
			}
			want, hasText := collectorAnswer(ctx, t, x, q)
			if got.Total == 0 {
				t.Errorf("%s: %+v found nothing; the check needs hits", stage, q)
			}
			if d := pathDiff(q, hasText, got, want); d != "" {
				t.Errorf("%s: %+v: %s", stage, q, d)
			}
		}
	}
	check("first searches")
	<-b.started // the build is under way, and held
	check("during the build")
	more := indextest.Fixture()[0]
	more.Key, more.Partner = "EXTRA-1", "p9"
	more.ID = catalog.ProductID(more.Partner, more.Key)
	if err := x.Upsert(ctx, []catalog.Product{more}); err != nil {
		t.Fatal(err)
	}
	check("after a write, during the build")
	if n, _ := b.count(); n != 1 {
		t.Errorf("%d builds started while one was held; want 1", n)
	}
	close(b.release)
	// Once the builds settle on the current snapshot, the columns serve.
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var cols *columns
	for range 100 {
		x.cols.wg.Wait()
		if cols, err = x.cols.acquire(ctx, idx); err != nil || cols != nil {
			break
		}
	}
	if err != nil || cols == nil {
		t.Fatalf("columns never built for the current snapshot: %v", err)
	}
	defer x.cols.release(cols)
	if n, _ := b.count(); n < 2 {
		t.Errorf("%d builds; the write made the first build's snapshot stale, a second was due", n)
	}
	if len(cols.live) != len(indextest.Fixture())+1 {
		t.Errorf("columns hold %d documents; want %d", len(cols.live), len(indextest.Fixture())+1)
	}
}

// TestCloseStopsColumnBuild closes the index while a column build is held:
// Close cancels the build and returns once its goroutine has ended (were
// it left running, Close would wait on the held build forever).
func TestCloseStopsColumnBuild(t *testing.T) {
	ctx := context.Background()
	x := openFixture(t)
	b := holdBuilds(x)
	if _, err := x.Search(ctx, catalog.Query{Facets: []string{catalog.FacetCategory}}); err != nil {
		t.Fatal(err)
	}
	<-b.started
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if n, cancelled := b.count(); n != 1 || !cancelled {
		t.Errorf("builds %d, cancelled %v; want 1 build, cancelled by Close", n, cancelled)
	}
	x.cols.mu.Lock()
	defer x.cols.mu.Unlock()
	if x.cols.cols != nil || x.cols.cancel != nil {
		t.Error("Close left columns or a build behind")
	}
}

// TestColumnBuildPanicBreaksIndex makes the background build panic, as
// Bleve does when its files are damaged under it: the process lives on (a
// panic on that goroutine would end it), and the index is out of use
// (CodeUnavailable) as after any other panic of Bleve.
func TestColumnBuildPanicBreaksIndex(t *testing.T) {
	ctx := context.Background()
	x := openFixture(t)
	defer func() { _ = x.Close() }()
	x.cols.beforeMu.Lock()
	x.cols.before = func(context.Context) { panic("damaged segment") }
	x.cols.beforeMu.Unlock()
	if _, err := x.Search(ctx, catalog.Query{Facets: []string{catalog.FacetCategory}}); err != nil {
		t.Fatal(err) // answered by the collector; the build runs apart
	}
	x.cols.wg.Wait()
	if _, err := x.Search(ctx, catalog.Query{Text: "chaise"}); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Errorf("search after a panicked build: %v, want a %s error", err, catalog.CodeUnavailable)
	}
}

// TestFacetCountsOfAReplacedSnapshotAreNotCached writes a product between
// the moment a search acquires built columns and the moment it counts on
// them: those counts are of the older snapshot, and must not be cached as
// the counts of the index after the write. Reading the cache's generation
// after acquiring the columns, as before, cached them, and the next search
// (no other write) answered the brand counts without the new brand.
func TestFacetCountsOfAReplacedSnapshotAreNotCached(t *testing.T) {
	ctx := context.Background()
	x := openFixture(t)
	defer func() { _ = x.Close() }()
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	cols, err := x.cols.acquire(ctx, idx) // starts the build
	release()
	if err != nil || cols != nil {
		t.Fatalf("acquire before any build = %v, %v; want nil, nil", cols, err)
	}
	x.cols.wg.Wait()

	added := indextest.Fixture()[0]
	added.ID, added.SKU, added.Brand = "p-zeta", "ZETA-1", "Zeta"
	var once sync.Once
	x.cols.beforeMu.Lock()
	x.cols.acquired = func() {
		once.Do(func() {
			if err := x.Upsert(ctx, []catalog.Product{added}); err != nil {
				t.Errorf("Upsert: %v", err)
			}
		})
	}
	x.cols.beforeMu.Unlock()

	q := catalog.Query{Text: "chaise", Filters: catalog.Filters{Brands: []string{"Acme"}}, Facets: []string{catalog.FacetBrand}}
	if _, err := x.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	var called bool
	once.Do(func() { called = true })
	if called {
		t.Fatal("the search did not go through built columns: the test did not reach the moment it is about")
	}
	got, err := x.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if n := facetCount(got.Facets[catalog.FacetBrand], "Zeta"); n != 1 {
		t.Fatalf("brand counts after the write = %v; want Zeta counted once (counts of the snapshot before the write were cached)", got.Facets[catalog.FacetBrand])
	}
}

func facetCount(vals []catalog.FacetValue, value string) int {
	for _, v := range vals {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

// collectorAnswer is q's answer on Bleve's own collector path, on the
// index's current snapshot: what the columns path must match; hasText
// tells whether q has a text query.
func collectorAnswer(ctx context.Context, t *testing.T, x *Index, q catalog.Query) (want catalog.Result, hasText bool) {
	t.Helper()
	idx, release, err := x.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	text := textQuery(search.NewPlan(q.Text, x.syn), x.txt)
	want, err = x.searchCollector(ctx, idx, q, text)
	if err != nil {
		t.Fatal(err)
	}
	return want, text != nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/diskblobs"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// Options are the bench's flags.
type Options struct {
	Products      int
	OpenSearchURL string
	Runs          int
	Out           string
	Command       string
}

// The page's API calls, as the site's insights page makes them.
func pageCalls() []string {
	return []string{"catalog", "freshness", "searches"}
}

const (
	partners   = 12
	sharedRate = 0.2 // of the GTINs, held by 2 to 5 partners
	batch      = 2000
	budget     = 300 * time.Millisecond
)

// Run runs the bench; it returns the exit status.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) int {
	if err := run(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "insightsbench:", err)
		return 1
	}
	return 0
}

// generate yields o.Products products of demogen's catalog spread over
// partners, a fifth of whose GTINs are offered by 2 to 5 partners.
func generate(ctx context.Context, n int, fn func([]catalog.Product) error) (shared int, err error) {
	rng := rand.New(rand.NewPCG(7, 11)) //nolint:gosec // generated data, reproducible by seed
	buf := make([]catalog.Product, 0, batch)
	made := 0
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		err := fn(buf)
		buf = buf[:0]
		return err
	}
	stop := errors.New("enough")
	_, err = demogen.EachProduct(ctx, demogen.Options{Seed: 1, Rows: n}, func(p catalog.Product) error {
		copies := 1
		if rng.Float64() < sharedRate {
			copies = 2 + rng.IntN(4)
			shared++
		}
		first := rng.IntN(partners)
		for c := 0; c < copies && made < n; c++ {
			q := p
			q.Partner = fmt.Sprintf("partner-%02d", (first+c)%partners)
			q.ID = catalog.ProductID(q.Partner, q.Key)
			q.Version = 1
			qs := analysis.Score(&q)
			q.Quality = &qs
			q.OfferKey = analysis.OfferKey(&q)
			if copies > 1 && q.OfferKey == "" {
				q.OfferKey = "bench:" + p.Key
			}
			buf = append(buf, q)
			made++
			if len(buf) == batch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if made >= n {
			return stop
		}
		return nil
	})
	if errors.Is(err, stop) {
		err = nil
	}
	if err != nil {
		return shared, err
	}
	return shared, flush()
}

// result is one engine's figures.
type result struct {
	engine     string
	products   int
	load       time.Duration
	cold       time.Duration
	p50, p95   time.Duration
	insightP50 time.Duration // the catalog view alone
}

func run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "insightsbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	store, err := boltstore.Open(filepath.Join(dir, "c.db"), boltstore.Options{})
	if err != nil {
		return err
	}
	defer store.Close()
	blobs, err := diskblobs.New(filepath.Join(dir, "blobs"))
	if err != nil {
		return err
	}
	key, err := partnerkeys.New(blobs).IssueOperator(ctx)
	if err != nil {
		return err
	}
	if err := seedAnalytics(ctx, store); err != nil {
		return err
	}
	var results []result
	var shared int
	bl, err := bleveindex.Open(filepath.Join(dir, "index"), bleveindex.Options{})
	if err != nil {
		return err
	}
	defer bl.Close()
	start := time.Now()
	shared, err = generate(ctx, o.Products, func(ps []catalog.Product) error { return bl.Upsert(ctx, ps) })
	if err != nil {
		return err
	}
	if err := bl.Optimize(ctx); err != nil {
		return err
	}
	r, err := measure(ctx, "Bleve (embedded)", bl, store, blobs, key, o.Runs)
	if err != nil {
		return err
	}
	r.load = time.Since(start)
	results = append(results, r)
	fmt.Fprintf(stderr, "bleve: %+v\n", r)
	if o.OpenSearchURL != "" {
		r, err := openSearch(ctx, o, store, blobs, key)
		if err != nil {
			return err
		}
		results = append(results, r)
		fmt.Fprintf(stderr, "opensearch: %+v\n", r)
	}
	return write(o, results, shared, stdout)
}

func openSearch(ctx context.Context, o Options, store *boltstore.Store, blobs catalog.Blobs, key string) (result, error) {
	x, err := osindex.New(ctx, osindex.Config{URL: o.OpenSearchURL, Alias: "insightsbench-" + time.Now().UTC().Format("150405")})
	if err != nil {
		return result{}, err
	}
	defer func() { _ = x.Drop(context.WithoutCancel(ctx)) }()
	start := time.Now()
	if _, err := generate(ctx, o.Products, func(ps []catalog.Product) error { return x.Upsert(ctx, ps) }); err != nil {
		return result{}, err
	}
	if err := x.Refresh(ctx); err != nil {
		return result{}, err
	}
	load := time.Since(start)
	r, err := measure(ctx, "OpenSearch 2.19 (one node)", x, store, blobs, key, o.Runs)
	r.load = load
	return r, err
}

// seedAnalytics records a month of searches, so that the search views
// have days and queries to sum.
func seedAnalytics(ctx context.Context, store *boltstore.Store) error {
	rng := rand.New(rand.NewPCG(3, 5)) //nolint:gosec // generated data, reproducible by seed
	now := time.Now().UTC()
	var evs []catalog.SearchEvent
	for i := 0; i < 30000; i++ {
		at := now.Add(-time.Duration(rng.IntN(30*24)) * time.Hour)
		q := fmt.Sprintf("query %d", rng.IntN(2000))
		total := rng.IntN(50)
		evs = append(evs, catalog.SearchEvent{At: at, Query: q, Total: total, Filters: []string{"brand"}})
		if total > 0 && rng.IntN(3) == 0 {
			evs = append(evs, catalog.SearchEvent{At: at, Query: q, Position: 1 + rng.IntN(10)})
		}
	}
	return store.AddSearchEvents(ctx, evs)
}

// measure times the page's API calls on idx: once cold (the first after
// the load), then runs times.
func measure(ctx context.Context, engine string, idx catalog.Index, store *boltstore.Store, blobs catalog.Blobs, key string, runs int) (result, error) {
	h := api.New(api.Deps{Store: store, Index: idx, Blobs: blobs, SearchLog: store})
	n, err := idx.Count(ctx)
	if err != nil {
		return result{}, err
	}
	call := func(view string) error {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1/insights/"+view+"?size=10", nil)
		req.Header.Set("X-Api-Key", key)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("%s: %d %s", view, rec.Code, rec.Body)
		}
		return nil
	}
	page := func() (time.Duration, time.Duration, error) {
		start := time.Now()
		var cat time.Duration
		for _, v := range pageCalls() {
			s := time.Now()
			if err := call(v); err != nil {
				return 0, 0, err
			}
			if v == "catalog" {
				cat = time.Since(s)
			}
		}
		return time.Since(start), cat, nil
	}
	cold, _, err := page()
	if err != nil {
		return result{}, err
	}
	var all, cats []time.Duration
	for i := 0; i < runs; i++ {
		d, c, err := page()
		if err != nil {
			return result{}, err
		}
		all, cats = append(all, d), append(cats, c)
	}
	slices.Sort(all)
	slices.Sort(cats)
	pct := func(s []time.Duration, p float64) time.Duration { return s[min(len(s)-1, int(p*float64(len(s))))] }
	return result{engine: engine, products: n, cold: cold, p50: pct(all, 0.5), p95: pct(all, 0.95), insightP50: pct(cats, 0.5)}, nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func write(o Options, results []result, shared int, stdout io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Insights page at scale\n\n")
	fmt.Fprintf(&b, "Command: `%s`. %d generated products (demogen, fr-office) over %d partners, %d GTINs offered by 2 to 5 partners (%.0f%% of the GTINs); a month of search analytics (30,000 searches, 2,000 distinct queries) in the bbolt store. ",
		o.Command, o.Products, partners, shared, sharedRate*100)
	fmt.Fprintf(&b, "Time is the server time of the API calls the insights page makes (`GET /v1/insights/{catalog,freshness,searches}` with the operator key, through the API handler), summed per page load; the PHP rendering of the page is not in it. Budget: %s per page.\n\n", ms(budget))
	b.WriteString("| engine | products | index load | first page (cold) | page p50 | page p95 | catalog view p50 | under budget (p95) |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range results {
		ok := "yes"
		if r.p95 > budget {
			ok = "missed"
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f s | %s | %s | %s | %s | %s |\n", r.engine, r.products, r.load.Seconds(), ms(r.cold), ms(r.p50), ms(r.p95), ms(r.insightP50), ok)
	}
	if o.Out == "" {
		_, err := io.WriteString(stdout, b.String())
		return err
	}
	return os.WriteFile(o.Out, []byte(b.String()), 0o644)
}

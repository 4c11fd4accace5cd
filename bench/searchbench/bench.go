package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/benchdoc"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Options of a benchmark run.
type Options struct {
	Products           int
	Queries            int
	OpenSearchProducts int
	OpenSearchURL      string
	Out                string
	Command            string
	CPUProfile         string
	OSCPUProfile       string // CPU profile of the OpenSearch query phase
	LargeProducts      int    // a second Bleve run at this size (0: none)
	// Keep, when set, is a folder where each run's Bleve index is kept
	// (keep/<products>) and reused by the next run with the same size:
	// the indexing figure is then absent. For profiling rounds.
	Keep string
	// Title heads the Markdown section ("Search" by default).
	Title string
	// CompareLegacy runs every query a second time in the legacy shape of
	// the Bleve text query (bleveindex.Index.SetLegacyTextQuery), just
	// before or after, and reports both.
	CompareLegacy bool
	// Slowest, when positive, logs that many of the queries that took the
	// most CPU time on each Bleve run, with their kind and parameters.
	Slowest int
	// LoadClients and LoadDuration shape the load phase on the largest
	// Bleve run (0 clients: none).
	LoadClients  int
	LoadDuration time.Duration
}

// batch is how many products one Upsert call carries: the batch size of
// the Bleve adapter's Reindex.
const batch = 5000

// each streams n generated products, a quarter from each partner profile
// (French and English names, EUR/USD/CNY prices), with unique IDs.
func each(ctx context.Context, n int, fn func(catalog.Product) error) error {
	profiles := demogen.Profiles()
	for i, prof := range profiles {
		rows := n / len(profiles)
		if i < n%len(profiles) {
			rows++
		}
		_, err := demogen.EachProduct(ctx, demogen.Options{Seed: 42, Rows: rows, Profile: prof, DefectRate: 0}, func(p catalog.Product) error {
			p.Version = 1
			return fn(p)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// batches streams n products in slices of size.
func batches(ctx context.Context, n, size int, fn func([]catalog.Product) error) error {
	buf := make([]catalog.Product, 0, size)
	err := each(ctx, n, func(p catalog.Product) error {
		buf = append(buf, p)
		if len(buf) == size {
			err := fn(buf)
			buf = buf[:0]
			return err
		}
		return nil
	})
	if err == nil && len(buf) > 0 {
		err = fn(buf)
	}
	return err
}

// query is one benchmark query: the API's URL parameters and its kind.
type query struct {
	kind   string
	params url.Values
}

// buildQueries draws n mixed queries from a sample of products.
func buildQueries(sample []catalog.Product, n int) []query {
	r := rand.New(rand.NewPCG(7, 11)) //nolint:gosec // a fixed, reproducible query mix, not a secret
	pick := func() catalog.Product { return sample[r.IntN(len(sample))] }
	word := func(p catalog.Product, minLen int) string {
		var ws []string
		for w := range strings.FieldsSeq(p.Name) {
			w = strings.Trim(w, ",.;:()\"'")
			if utf8.RuneCountInString(w) >= minLen && !search.HasDigit(w) {
				ws = append(ws, w)
			}
		}
		if len(ws) == 0 {
			return ""
		}
		return ws[r.IntN(len(ws))]
	}
	var out []query
	for len(out) < n {
		p := pick()
		v := url.Values{}
		kind := ""
		switch k := r.IntN(100); {
		case k < 25:
			kind = "word"
			v.Set("q", word(p, 4)+" ")
		case k < 35:
			kind = "two words"
			v.Set("q", word(p, 4)+" "+word(pick(), 4)+" ")
			if r.IntN(2) == 0 { // two words of the same product
				v.Set("q", word(p, 4)+" "+word(p, 4)+" ")
			}
		case k < 50:
			kind = "typo"
			w := []rune(word(p, 6))
			if len(w) == 0 {
				continue
			}
			i := 1 + r.IntN(len(w)-2)
			w[i] = []rune("abcdefghijklmnopqrstuvwxyz")[r.IntN(26)]
			v.Set("q", string(w)+" ")
		case k < 65:
			kind = "prefix"
			w := []rune(word(p, 5))
			if len(w) == 0 {
				continue
			}
			v.Set("q", string(w[:3+r.IntN(len(w)-3)]))
		case k < 75:
			kind = "identifier"
			id := p.SKU
			if r.IntN(2) == 0 && p.GTIN != "" {
				id = p.GTIN
			}
			v.Set("q", id)
		case k < 90:
			kind = "filters+facets"
			v.Set("q", word(p, 4)+" ")
			if p.Brand != "" {
				v.Add("brand", p.Brand)
			}
			v.Set("facets", "brand,category,partner,price")
			if r.IntN(2) == 0 {
				v.Set("sort", catalog.SortPriceAsc)
			}
		default:
			kind = "category browse"
			if len(p.Category) == 0 {
				continue
			}
			v.Set("category", p.Category[0])
			v.Set("facets", "brand,category,price")
		}
		if kind != "category browse" && strings.TrimSpace(v.Get("q")) == "" {
			continue
		}
		out = append(out, query{kind: kind, params: v})
	}
	return out
}

// stats are latency percentiles.
type stats struct{ p50, p90, p99, max time.Duration }

func percentiles(ds []time.Duration) stats {
	if len(ds) == 0 {
		return stats{}
	}
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return stats{at(0.50), at(0.90), at(0.99), s[len(s)-1]}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

// report collects the Markdown lines.
type report struct {
	lines []string
}

func (r *report) add(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

// Run runs the benchmarks and writes o.Out.
func Run(ctx context.Context, o Options, log io.Writer) error {
	if o.Products < 1 || o.Queries < 1 {
		return fmt.Errorf("products and queries must be positive")
	}
	rep := &report{}
	rep.add("## %s", cmp.Or(o.Title, "Search"))
	rep.add("")
	rep.add("Reproduce: `%s`. Products come from internal/demogen", o.Command)
	rep.add("(four partner profiles, French and English, seed 42); queries are %d mixed ones drawn from them", o.Queries)
	rep.add("(words, two words, typos, prefixes, SKU/GTIN, filters with facets, category browsing), after 100 warm-up queries.")
	if load := benchdoc.LoadAverage(3); load != "unknown" {
		rep.add("Load average when the run started: %s (figures are wall-clock times, so other work on the machine inflates them).", load)
	}
	rep.add("")
	sample, err := benchBleve(ctx, o, o.Products, rep, log)
	if err != nil {
		return err
	}
	if o.LargeProducts > 0 {
		rep.add("")
		if _, err := benchBleve(ctx, o, o.LargeProducts, rep, log); err != nil {
			return err
		}
	}
	if o.OpenSearchURL != "" {
		if err := benchOpenSearch(ctx, o, rep, log, sample); err != nil {
			return err
		}
	} else {
		rep.add("")
		rep.add("OpenSearch figures were not measured: no OPENSEARCH_URL (make bench-search starts a node).")
	}
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o750); err != nil {
		return err
	}
	return os.WriteFile(o.Out, []byte(strings.Join(rep.lines, "\n")+"\n"), 0o644)
}

func benchBleve(ctx context.Context, o Options, products int, rep *report, log io.Writer) ([]catalog.Product, error) {
	path := ""
	if o.Keep != "" {
		path = filepath.Join(o.Keep, fmt.Sprint(products))
	} else {
		dir, err := os.MkdirTemp("", "searchbench-")
		if err != nil {
			return nil, err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		path = filepath.Join(dir, "index")
	}
	idx, err := bleveindex.Open(path, bleveindex.Options{})
	if err != nil {
		return nil, err
	}
	defer func() { _ = idx.Close() }()
	reused := false
	if have, err := idx.Count(ctx); err == nil && have == products && o.Keep != "" {
		reused = true
		fmt.Fprintf(log, "bleve: reusing the index of %d products in %s\n", have, path)
	}

	fmt.Fprintf(log, "bleve: indexing %d products\n", products)
	var sample []catalog.Product
	every := max(1, products/2000)
	seen := 0
	start := time.Now()
	err = batches(ctx, products, batch, func(ps []catalog.Product) error {
		for _, p := range ps {
			if seen%every == 0 {
				sample = append(sample, p)
			}
			seen++
		}
		if reused {
			return nil
		}
		return idx.Upsert(ctx, ps)
	})
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	mstart := time.Now()
	if !reused {
		if err := idx.Optimize(ctx); err != nil {
			return nil, err
		}
	}
	merge := time.Since(mstart)
	n, err := idx.Count(ctx)
	if err != nil {
		return nil, err
	}
	rate := float64(n) / took.Seconds()
	fmt.Fprintf(log, "bleve: %d products in %.1fs (%.0f/s)\n", n, took.Seconds(), rate)

	// Let the background merges and persistence of the load settle.
	time.Sleep(3 * time.Second)
	queries := buildQueries(sample, o.Queries+100)
	h := api.New(api.Deps{Index: idx})
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	m, err := measureQueries(ctx, h, idx, queries, o.CompareLegacy)
	if err != nil {
		return nil, err
	}
	all, cpu, byKind, cpuKind, hits := m.all, m.cpu, m.byKind, m.cpuKind, m.hits
	s := percentiles(all)
	cs := percentiles(cpu)
	fmt.Fprintf(log, "bleve: p50 %s p99 %s (CPU time p50 %s p99 %s)\n", ms(s.p50), ms(s.p99), ms(cs.p50), ms(cs.p99))
	slow := m.slow
	slices.SortFunc(slow, func(a, b timed) int { return cmp.Compare(b.cpu, a.cpu) })
	for _, t := range slow[:min(o.Slowest, len(slow))] {
		fmt.Fprintf(log, "bleve: slow: CPU %s wall %s %s %s\n", ms(t.cpu), ms(t.wall), t.q.kind, t.q.params.Encode())
	}

	rep.add("### Embedded engine (Bleve), %d products", n)
	rep.add("")
	rep.add("| measure | figure | target | |")
	rep.add("|---|---:|---:|---|")
	if reused {
		rep.add("| indexing | not measured: the index of a previous run was reused (-keep) | | |")
	} else {
		rep.add("| indexing (Upsert, batches of %d) | %.0f products/s (%.1f s) | ≥ 5,000/s | %s |", batch, rate, took.Seconds(), benchdoc.MetOrMissed(rate >= 5000))
	}
	// The latency targets are for the main run; the large run is reported.
	p50Target, p50Check := "< 5 ms", benchdoc.MetOrMissed(s.p50 < 5*time.Millisecond)
	p99Target, p99Check := "< 25 ms", benchdoc.MetOrMissed(s.p99 < 25*time.Millisecond)
	if products != o.Products {
		p50Target, p50Check, p99Target, p99Check = "reported", "", "reported", ""
	}
	rep.add("| search through the API handler, p50 | %s | %s | %s |", ms(s.p50), p50Target, p50Check)
	rep.add("| search through the API handler, p90 | %s | | |", ms(s.p90))
	rep.add("| search through the API handler, p99 | %s | %s | %s |", ms(s.p99), p99Target, p99Check)
	rep.add("| slowest query | %s | | |", ms(s.max))
	rep.add("| CPU time of the query's thread, p50 / p99 | %s / %s | | |", ms(cs.p50), ms(cs.p99))
	rep.add("| segment merge after the load (Optimize) | %.1f s | | |", merge.Seconds())
	rep.add("| queries with hits | %d of %d | | |", hits, len(all))
	rep.add("")
	rep.add("| query kind | count | p50 | p99 | CPU p50 | CPU p99 |")
	rep.add("|---|---:|---:|---:|---:|---:|")
	for _, k := range slices.Sorted(maps.Keys(byKind)) {
		ks, kc := percentiles(byKind[k]), percentiles(cpuKind[k])
		rep.add("| %s | %d | %s | %s | %s | %s |", k, len(byKind[k]), ms(ks.p50), ms(ks.p99), ms(kc.p50), ms(kc.p99))
	}
	if o.CompareLegacy {
		compareLegacy(rep, byKind, cpuKind, m.legacyWall, m.legacyCPU)
	}
	if o.LoadClients > 0 && products == max(o.Products, o.LargeProducts) {
		runtime.UnlockOSThread()
		if err := benchLoad(ctx, h, idx, queries[100:], sample, o.LoadClients, o.LoadDuration, rep, log); err != nil {
			return nil, err
		}
	}
	return sample, nil
}

// timing is an http.RoundTripper that adds up the time of the round trips
// (request sent to response body read) made while a search runs.
type timing struct {
	base http.RoundTripper
	mu   sync.Mutex
	sum  time.Duration
}

type timedBody struct {
	io.ReadCloser
	t     *timing
	start time.Time
	once  sync.Once
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.stop()
	}
	return n, err
}

func (b *timedBody) Close() error { b.stop(); return b.ReadCloser.Close() }

func (b *timedBody) stop() {
	b.once.Do(func() {
		b.t.mu.Lock()
		b.t.sum += time.Since(b.start)
		b.t.mu.Unlock()
	})
}

func (t *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, t: t, start: start}
	return resp, nil
}

func (t *timing) take() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	d := t.sum
	t.sum = 0
	return d
}

func benchOpenSearch(ctx context.Context, o Options, rep *report, log io.Writer, sample []catalog.Product) error {
	n := min(o.OpenSearchProducts, o.Products)
	stamp := time.Now().UTC().Format("150405")
	base := "bench-" + stamp
	// The transport the adapter would use on loopback (osindex.New: no
	// compression, which only costs CPU on both sides here), timed.
	ht := http.DefaultTransport.(*http.Transport).Clone()
	ht.MaxIdleConnsPerHost = 32
	ht.DisableCompression = true
	tr := &timing{base: ht}
	var took time.Duration
	newIdx := func(alias string) (*osindex.Index, error) {
		return osindex.New(ctx, osindex.Config{
			URL: o.OpenSearchURL, Alias: alias, Transport: tr,
			Observe: func(engine, _ time.Duration) { took = engine },
		})
	}
	var cleanup []*osindex.Index
	defer func() {
		for _, x := range cleanup {
			_ = x.Drop(context.WithoutCancel(ctx))
		}
	}()

	// The bare baseline: the same documents (osindex.Document), the same
	// bulk size, a plain HTTP client, no versioning or per-item handling.
	// Bare and adapter requests alternate chunk by chunk (the order flips
	// every chunk), each into its own index, so that both see the same load
	// on the machine; each side's time is the sum of its requests.
	holder, err := newIdx(base + "-bare") // template and index for the bare loop
	if err != nil {
		return err
	}
	cleanup = append(cleanup, holder)
	searchIdx, err := newIdx(base + "-adapter")
	if err != nil {
		return err
	}
	cleanup = append(cleanup, searchIdx)
	client := &http.Client{}
	var buf bytes.Buffer
	bareBulk := func(ps []catalog.Product) error {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		for _, p := range ps {
			if err := enc.Encode(map[string]any{"index": map[string]any{"_index": holder.Alias(), "_id": p.ID}}); err != nil {
				return err
			}
			if err := enc.Encode(osindex.Document(p)); err != nil {
				return err
			}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.OpenSearchURL+"/_bulk", bytes.NewReader(buf.Bytes()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK || bytes.Contains(body[:min(len(body), 100)], []byte(`"errors":true`)) {
			return fmt.Errorf("bare _bulk: status %d: %.300s", resp.StatusCode, body)
		}
		return nil
	}
	fmt.Fprintf(log, "opensearch: indexing %d products, bare and adapter interleaved\n", n)
	var bareTime, adTime time.Duration
	chunk := 0
	err = batches(ctx, n, 500, func(ps []catalog.Product) error {
		chunk++
		timed := func(f func() error) (time.Duration, error) {
			t0 := time.Now()
			err := f()
			return time.Since(t0), err
		}
		steps := []func() error{
			func() error { d, err := timed(func() error { return bareBulk(ps) }); bareTime += d; return err },
			func() error {
				d, err := timed(func() error { return searchIdx.Upsert(ctx, ps) })
				adTime += d
				return err
			},
		}
		if chunk%2 == 0 {
			steps[0], steps[1] = steps[1], steps[0]
		}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "opensearch: bare %.1fs adapter %.1fs\n", bareTime.Seconds(), adTime.Seconds())
	if err := searchIdx.Refresh(ctx); err != nil {
		return err
	}
	count, err := searchIdx.Count(ctx)
	if err != nil {
		return err
	}
	bareRate, adRate := float64(n)/bareTime.Seconds(), float64(n)/adTime.Seconds()

	// The adapter's own time per search: its whole time minus the HTTP
	// round trips to the engine, over the same mixed queries.
	queries := buildQueries(sample, o.Queries+100)
	var overhead, vsTook, total, cpu []time.Duration
	ovKind := map[string][]time.Duration{}
	if o.OSCPUProfile != "" {
		f, err := os.Create(o.OSCPUProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); _ = f.Close() }()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for i, q := range queries {
		cq, err := api.ParseQuery(q.params)
		if err != nil {
			return err
		}
		tr.take()
		c0 := cpuTime()
		t0 := time.Now()
		if _, err := searchIdx.Search(ctx, cq); err != nil {
			return fmt.Errorf("query %s: %w", q.params.Encode(), err)
		}
		d := time.Since(t0)
		c := cpuTime() - c0
		rt := tr.take()
		if i < 100 {
			continue
		}
		total = append(total, d)
		cpu = append(cpu, c)
		overhead = append(overhead, d-rt)
		ovKind[q.kind] = append(ovKind[q.kind], d-rt)
		vsTook = append(vsTook, d-took)
	}
	ov, tk, tt, oc := percentiles(overhead), percentiles(vsTook), percentiles(total), percentiles(cpu)
	fmt.Fprintf(log, "opensearch: bare %.0f/s adapter %.0f/s; overhead p50 %s p99 %s\n", bareRate, adRate, ms(ov.p50), ms(ov.p99))

	rep.add("")
	rep.add("### OpenSearch adapter, %d products, local single node (2.19, 1 GiB heap)", count)
	rep.add("")
	rep.add("| measure | figure | target | |")
	rep.add("|---|---:|---:|---|")
	rep.add("| bare `_bulk` loop (same documents, 500 per request) | %.0f products/s | baseline | |", bareRate)
	rep.add("| adapter Upsert, 500 per call (external versioning, per-item handling) | %.0f products/s | | |", adRate)
	rep.add("| adapter / bare | %.2f | ≥ 0.80 | %s |", adRate/bareRate, benchdoc.MetOrMissed(adRate/bareRate >= 0.8))
	rep.add("| search, client time, p50 / p99 | %s / %s | | |", ms(tt.p50), ms(tt.p99))
	rep.add("| adapter overhead (client time − HTTP round trips), p50 | %s | | |", ms(ov.p50))
	rep.add("| adapter overhead (client time − HTTP round trips), p99 | %s | < 1 ms | %s |", ms(ov.p99), benchdoc.MetOrMissed(ov.p99 < time.Millisecond))
	rep.add("| CPU time of the calling thread per search (the adapter's work), p50 / p99 | %s / %s | | |", ms(oc.p50), ms(oc.p99))
	rep.add("| client time − engine `took` (whole ms), p50 / p99 | %s / %s | | |", ms(tk.p50), ms(tk.p99))
	rep.add("")
	rep.add("| query kind | count | overhead p50 | overhead p99 |")
	rep.add("|---|---:|---:|---:|")
	for _, k := range slices.Sorted(maps.Keys(ovKind)) {
		st := percentiles(ovKind[k])
		rep.add("| %s | %d | %s | %s |", k, len(ovKind[k]), ms(st.p50), ms(st.p99))
	}
	rep.add("")
	rep.add("Bare and adapter bulk requests alternate chunk by chunk into two indexes, so both meet the")
	rep.add("same load; each rate is the products over the sum of that side's request times.")
	rep.add("The engine reports `took` in whole milliseconds, so \"client time − took\" carries up to 1 ms of")
	rep.add("rounding plus the loopback HTTP time; the overhead row measures the adapter's own work (query")
	rep.add("building, JSON, highlight merging, and the garbage collection that work causes), by timing the")
	rep.add("round trips in the HTTP transport (the adapter's loopback transport: no compression).")
	rep.add("In memory, without the engine (`go test -bench . ./internal/osindex/`): BenchmarkSearchAdapter is")
	rep.add("one search with facets on a canned answer; BenchmarkDecodeSearchResponse decodes a page of")
	rep.add("hits with encoding/json and with encoding/json/v2 (what the adapter uses).")
	return nil
}

// cpuTime is the CPU time (user and system) of the calling OS thread; the
// query loop locks its goroutine to one thread, so the difference around a
// query is the CPU the query itself used there (the search runs in the
// calling goroutine), whatever else the machine is doing: wall-clock times
// also count the waits for a core on a shared machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rusageThread is RUSAGE_THREAD (Linux).
const rusageThread = 1

// compareLegacy reports, by kind of query, the latencies of the current
// and the legacy text query shapes measured side by side, and their ratios.
func compareLegacy(rep *report, wall, cpu, legacyWall, legacyCPU map[string][]time.Duration) {
	rep.add("")
	rep.add("The same queries in the legacy text query shape (Bleve's fuzzy query, which also matches the word")
	rep.add("itself, and transpositions as clauses of their own), each run just before or just after the current")
	rep.add("shape, alternately, on the same index (-compare-legacy):")
	rep.add("")
	rep.add("| query kind | legacy p50 / p99 | current p50 / p99 | legacy CPU p50 / p99 | current CPU p50 / p99 | CPU p99 current / legacy |")
	rep.add("|---|---:|---:|---:|---:|---:|")
	var allL, allC, allLC, allCC []time.Duration
	line := func(k string, lw, cw, lc, cc []time.Duration) {
		l, c, lcs, ccs := percentiles(lw), percentiles(cw), percentiles(lc), percentiles(cc)
		ratio := 0.0
		if lcs.p99 > 0 {
			ratio = float64(ccs.p99) / float64(lcs.p99)
		}
		rep.add("| %s | %s / %s | %s / %s | %s / %s | %s / %s | %.2f |", k, ms(l.p50), ms(l.p99), ms(c.p50), ms(c.p99),
			ms(lcs.p50), ms(lcs.p99), ms(ccs.p50), ms(ccs.p99), ratio)
	}
	for _, k := range slices.Sorted(maps.Keys(wall)) {
		line(k, legacyWall[k], wall[k], legacyCPU[k], cpu[k])
		allL, allC = append(allL, legacyWall[k]...), append(allC, wall[k]...)
		allLC, allCC = append(allLC, legacyCPU[k]...), append(allCC, cpu[k]...)
	}
	line("all", allL, allC, allLC, allCC)
}

// timed is one measured query.
type timed struct {
	cpu, wall time.Duration
	q         query
}

// measured are the times of the queries after the first 100 (warm-up).
type measured struct {
	all, cpu              []time.Duration
	byKind, cpuKind       map[string][]time.Duration
	legacyWall, legacyCPU map[string][]time.Duration // with compare
	slow                  []timed
	hits                  int
}

// measureQueries sends the queries to the API handler h one after the
// other, on the calling thread. With compare, each query also runs in the
// legacy text query shape of idx, just before or just after (alternately),
// so that both meet the same load on the machine.
func measureQueries(ctx context.Context, h http.Handler, idx *bleveindex.Index, queries []query, compare bool) (measured, error) {
	m := measured{
		byKind: map[string][]time.Duration{}, cpuKind: map[string][]time.Duration{},
		legacyWall: map[string][]time.Duration{}, legacyCPU: map[string][]time.Duration{},
	}
	run := func(q query) (wall, cpu time.Duration, total int, err error) {
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1/search?"+q.params.Encode(), nil)
		rec := httptest.NewRecorder()
		c0 := cpuTime()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		wall = time.Since(t0)
		cpu = cpuTime() - c0
		if rec.Code != http.StatusOK {
			return 0, 0, 0, fmt.Errorf("query %s: status %d: %s", q.params.Encode(), rec.Code, rec.Body)
		}
		var res struct {
			Total int `json:"total"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &res)
		return wall, cpu, res.Total, nil
	}
	legacy := func(i int, q query) error {
		idx.SetLegacyTextQuery(true)
		d, c, _, err := run(q)
		idx.SetLegacyTextQuery(false)
		if err == nil && i >= 100 {
			m.legacyWall[q.kind] = append(m.legacyWall[q.kind], d)
			m.legacyCPU[q.kind] = append(m.legacyCPU[q.kind], c)
		}
		return err
	}
	for i, q := range queries {
		if compare && i%2 == 0 {
			if err := legacy(i, q); err != nil {
				return m, err
			}
		}
		d, c, total, err := run(q)
		if err != nil {
			return m, err
		}
		if compare && i%2 == 1 {
			if err := legacy(i, q); err != nil {
				return m, err
			}
		}
		if i < 100 {
			continue // warm-up
		}
		if total > 0 {
			m.hits++
		}
		m.all = append(m.all, d)
		m.cpu = append(m.cpu, c)
		m.slow = append(m.slow, timed{c, d, q})
		m.byKind[q.kind] = append(m.byKind[q.kind], d)
		m.cpuKind[q.kind] = append(m.cpuKind[q.kind], c)
	}
	return m, nil
}

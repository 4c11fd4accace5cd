package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/local"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/shareddata"
)

// Options configure Run.
type Options struct {
	Shared, Magento, Cache, Queries string
	OpenSearchURL, Out, Command     string
	Verbose                         bool
	// Dump, when set, is a file the ingested products are listed in (ID,
	// name, category, price), to write judgments from.
	Dump string
}

// source is one catalog file, ingested as one partner's catalog.
type source struct {
	partner, path, cite string
}

// magentoFiles are the files of the Magento sample catalog read from the
// snapshot, each one partner: the configurable catalog in Magento's own
// import-export format, and the simple products of the "Gear" department.
var magentoFiles = []struct{ partner, path string }{
	{"luma", "app/code/Magento/ConfigurableSampleData/fixtures/products.csv"},
	{"luma-bags", "app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/products_gear_bags.csv"},
	{"luma-fitness", "app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/products_gear_fitness_equipment.csv"},
	{"luma-ball", "app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/products_gear_fitness_equipment_ball.csv"},
	{"luma-strap", "app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/products_gear_fitness_equipment_strap.csv"},
	{"luma-watches", "app/code/Magento/CatalogSampleData/fixtures/SimpleProduct/products_gear_watches.csv"},
}

// sources lists the catalogs there are, saying in one line each set that
// is absent.
func sources(ctx context.Context, o Options, log io.Writer) ([]source, error) {
	var out []source
	shared := o.Shared
	if shared == "" {
		shared = shareddata.Dir("testdata", "real")
	}
	for _, f := range []struct{ partner, file, cite string }{
		{"woo", "woocommerce_sample_products.csv", "WooCommerce sample products (woocommerce/woocommerce, plugins/woocommerce/sample-data/sample_products.csv)"},
		{"shop", "shopify_product_template.csv", "Shopify product import template (public copy in kcohen1997/Shopify-Product-CSV-File-Forward-Fill)"},
		{"presta", "prestashop14_products_import.csv", "PrestaShop 1.4 sample import (PrestaShop/PrestaShop-1.4, docs/csv_import/products_import.csv)"},
	} {
		p := filepath.Join(shared, f.file)
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(log, "relevancebench: skipping %s: %s is absent\n", f.partner, p)
			continue
		}
		out = append(out, source{f.partner, p, f.cite})
	}
	if o.Magento == "" {
		fmt.Fprintln(log, "relevancebench: skipping the Magento sample catalog: RELEVANCE_MAGENTO (a magento2-sample-data snapshot) is not set")
		return out, nil
	}
	dir := filepath.Join(o.Cache, "magento")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	for _, f := range magentoFiles {
		dst := filepath.Join(dir, f.partner+".csv")
		if _, err := os.Stat(dst); err != nil {
			data, err := exec.CommandContext(ctx, "git", "--git-dir", o.Magento, "show", "HEAD:"+f.path).Output() //nolint:gosec // a path of ours, in a git folder the user named
			if err != nil {
				fmt.Fprintf(log, "relevancebench: skipping %s: cannot read %s from %s: %v\n", f.partner, f.path, o.Magento, err)
				continue
			}
			if err := os.WriteFile(dst, data, 0o600); err != nil {
				return nil, err
			}
		}
		out = append(out, source{f.partner, dst, "Magento 2 sample data, Luma catalog (magento/magento2-sample-data, " + f.path + ")"})
	}
	return out, nil
}

// judgment is one graded query: grades of product IDs (3: the product
// sought, 2: relevant, 1: acceptable); none for a query that should find
// nothing.
type judgment struct {
	class, text string
	grades      map[string]int
}

func readQueries(path string) ([]judgment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []judgment
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want class, query and grades separated by tabs", path, n)
		}
		j := judgment{class: parts[0], text: parts[1], grades: map[string]int{}}
		if parts[2] != "-" {
			for g := range strings.SplitSeq(parts[2], ",") {
				id, grade, ok := strings.Cut(strings.TrimSpace(g), "=")
				v, err := strconv.Atoi(grade)
				if !ok || err != nil || v < 1 || v > 3 {
					return nil, fmt.Errorf("%s:%d: grade %q is not id=1..3", path, n, g)
				}
				j.grades[id] = v
			}
		}
		out = append(out, j)
	}
	return out, sc.Err()
}

// engine answers a query with the IDs of its first ten hits and its total.
type engine struct {
	name   string
	search func(ctx context.Context, q string) ([]string, int, error)
}

// figures are one engine's results over the set.
type figures struct {
	mrr, ndcg, recall             float64
	zero, falseHit                float64
	matchN, emptyN, zeroN, falseN int
	maxShare                      float64
	flooded                       int
	p50, p99                      time.Duration
	byClass                       map[string][2]float64 // class -> sum of reciprocal ranks, queries
	misses                        []string
}

func measure(ctx context.Context, e engine, qs []judgment, products int) (figures, error) {
	f := figures{byClass: map[string][2]float64{}}
	var times []time.Duration
	for _, j := range qs { // warm-up
		if _, _, err := e.search(ctx, j.text); err != nil {
			return f, fmt.Errorf("%s: %q: %w", e.name, j.text, err)
		}
	}
	for _, j := range qs {
		start := time.Now()
		ids, total, err := e.search(ctx, j.text)
		times = append(times, time.Since(start))
		if err != nil {
			return f, fmt.Errorf("%s: %q: %w", e.name, j.text, err)
		}
		if strings.TrimSpace(j.text) != "" && products > 0 {
			share := float64(total) / float64(products)
			f.maxShare = math.Max(f.maxShare, share)
			if share > 0.5 {
				f.flooded++
				f.misses = append(f.misses, fmt.Sprintf("floods (%d of %d): %q", total, products, j.text))
			}
		}
		if len(j.grades) == 0 {
			f.emptyN++
			if total > 0 {
				f.falseN++
				f.misses = append(f.misses, fmt.Sprintf("false hit (%d): %q", total, j.text))
			}
			continue
		}
		f.matchN++
		if total == 0 {
			f.zeroN++
		}
		rr := 0.0
		for i, id := range ids {
			if j.grades[id] >= 2 {
				rr = 1 / float64(i+1)
				break
			}
		}
		if rr < 1 {
			f.misses = append(f.misses, fmt.Sprintf("rank %s: %q -> %v", rankText(rr), j.text, ids))
		}
		f.mrr += rr
		c := f.byClass[j.class]
		f.byClass[j.class] = [2]float64{c[0] + rr, c[1] + 1}
		n := ndcg(ids, j.grades)
		if n < 0.9 {
			f.misses = append(f.misses, fmt.Sprintf("nDCG@10 %.2f: %q -> %v", n, j.text, ids))
		}
		f.ndcg += n
		relevant, found := 0, 0
		for id, g := range j.grades {
			if g >= 2 {
				relevant++
				if slices.Contains(ids, id) {
					found++
				}
			}
		}
		if relevant > 0 {
			f.recall += float64(found) / float64(min(relevant, 10))
		} else {
			f.recall++
		}
	}
	if f.matchN > 0 {
		f.mrr /= float64(f.matchN)
		f.ndcg /= float64(f.matchN)
		f.recall /= float64(f.matchN)
		f.zero = float64(f.zeroN) / float64(f.matchN)
	}
	if f.emptyN > 0 {
		f.falseHit = float64(f.falseN) / float64(f.emptyN)
	}
	slowest := 0
	for i, d := range times {
		if d > times[slowest] {
			slowest = i
		}
	}
	if len(times) > 0 {
		f.misses = append(f.misses, fmt.Sprintf("slowest: %q in %s", qs[slowest].text, times[slowest]))
	}
	slices.Sort(times)
	if len(times) > 0 {
		f.p50 = times[len(times)/2]
		f.p99 = times[min(len(times)-1, len(times)*99/100)]
	}
	return f, nil
}

func rankText(rr float64) string {
	if rr == 0 {
		return "none"
	}
	return strconv.Itoa(int(math.Round(1 / rr)))
}

// ndcg is the normalised discounted cumulative gain of the first ten hits.
func ndcg(ids []string, grades map[string]int) float64 {
	dcg := 0.0
	for i, id := range ids {
		if i == 10 {
			break
		}
		dcg += (math.Pow(2, float64(grades[id])) - 1) / math.Log2(float64(i+2))
	}
	ideal := make([]int, 0, len(grades))
	for _, g := range grades {
		ideal = append(ideal, g)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(ideal)))
	idcg := 0.0
	for i, g := range ideal {
		if i == 10 {
			break
		}
		idcg += (math.Pow(2, float64(g)) - 1) / math.Log2(float64(i+2))
	}
	if idcg == 0 {
		return 0
	}
	return dcg / idcg
}

// Run ingests the catalogs, runs the set on each engine and writes the
// figures.
func Run(ctx context.Context, o Options, log io.Writer) error {
	srcs, err := sources(ctx, o, log)
	if err != nil {
		return err
	}
	if len(srcs) == 0 {
		fmt.Fprintln(log, "relevancebench: no catalog is available; nothing measured")
		return nil
	}
	qs, err := readQueries(o.Queries)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "relevancebench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	stack, err := local.Open(ctx, local.Options{Dir: tmp})
	if err != nil {
		return err
	}
	defer stack.Close()
	products, err := ingestAll(ctx, stack, srcs, log)
	if err != nil {
		return err
	}
	if o.Dump != "" {
		if err := dumpProducts(o.Dump, products); err != nil {
			return err
		}
	}
	set := judgedSet(qs, products, len(srcs) == len(magentoFiles)+3)
	base, err := baseline(products)
	if err != nil {
		return err
	}
	defer base.Close()
	engines := []engine{
		{"Catalog Search on Bleve", func(ctx context.Context, q string) ([]string, int, error) {
			return hitsOf(stack.Index.Search(ctx, catalog.Query{Text: q, Size: 10}))
		}},
		baselineEngine(base),
	}
	if o.OpenSearchURL != "" {
		e, drop, err := openSearchEngine(ctx, o.OpenSearchURL, products)
		if err != nil {
			return err
		}
		defer drop()
		engines = append(engines, e)
	} else {
		fmt.Fprintln(log, "relevancebench: skipping OpenSearch: OPENSEARCH_URL is not set")
	}
	results, err := measureAll(ctx, engines, set, len(products), o.Verbose, log)
	if err != nil {
		return err
	}
	md := report(o, srcs, set, len(products), engines, results)
	fmt.Fprint(log, md)
	if o.Out == "" {
		return nil
	}
	return os.WriteFile(o.Out, []byte(md), 0o600)
}

// ingestAll ingests every catalog into the stack and returns the products
// stored.
func ingestAll(ctx context.Context, stack *local.Stack, srcs []source, log io.Writer) ([]catalog.Product, error) {
	for _, s := range srcs {
		c, err := stack.IngestFile(ctx, s.partner, s.path, catalog.ModeFull, false)
		if err != nil {
			return nil, fmt.Errorf("ingest %s: %w", s.path, err)
		}
		fmt.Fprintf(log, "relevancebench: %s: %d products, %d rows rejected\n", s.partner, c.Report.Products, c.Report.Rejected)
	}
	var products []catalog.Product
	for p, err := range stack.Store.Products(ctx, "") {
		if err != nil {
			return nil, err
		}
		products = append(products, p)
	}
	return products, nil
}

// dumpProducts writes one line per product to path (Options.Dump).
func dumpProducts(path string, products []catalog.Product) error {
	var b strings.Builder
	for _, p := range products {
		price := ""
		if p.Price != nil {
			price = p.Price.String()
		}
		attrs := make([]string, 0, len(p.Attributes))
		for k, v := range p.Attributes {
			attrs = append(attrs, k+"="+v)
		}
		slices.Sort(attrs)
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\t%s\t%d variants\t%s\n", p.ID, p.Name, catalog.CategoryString(p.Category), p.Brand, price, len(p.Variants), strings.Join(attrs, "; "))
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}

// judgedSet keeps the queries every judged product of which is in the
// catalogs: a judged product absent from them (a catalog skipped) drops
// its query, so that a partial run measures only what it can. Queries
// without judgments (nothing should match) count only when every catalog
// is there.
func judgedSet(qs []judgment, products []catalog.Product, allCatalogs bool) []judgment {
	known := map[string]bool{}
	for _, p := range products {
		known[p.ID] = true
	}
	var set []judgment
	for _, j := range qs {
		ok := true
		for id := range j.grades {
			ok = ok && known[id]
		}
		if ok && (len(j.grades) > 0 || allCatalogs) {
			set = append(set, j)
		}
	}
	return set
}

// baselineEngine searches base with a plain match query.
func baselineEngine(base bleve.Index) engine {
	return engine{"plain Bleve match query (baseline)", func(ctx context.Context, q string) ([]string, int, error) {
		req := bleve.NewSearchRequestOptions(bleve.NewMatchQuery(q), 10, 0, false)
		res, err := base.SearchInContext(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		ids := make([]string, 0, len(res.Hits))
		for _, h := range res.Hits {
			ids = append(ids, h.ID)
		}
		return ids, int(res.Total), nil //nolint:gosec // a count of documents
	}}
}

// openSearchEngine indexes the products on a new index of the node at url;
// drop removes it.
func openSearchEngine(ctx context.Context, url string, products []catalog.Product) (e engine, drop func(), err error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	x, err := osindex.New(ctx, osindex.Config{URL: url, Alias: "relevance-" + hex.EncodeToString(b)})
	if err != nil {
		return engine{}, nil, err
	}
	drop = func() { _ = x.Drop(context.Background()) }
	for i := 0; i < len(products); i += 500 {
		if err := x.Upsert(ctx, products[i:min(i+500, len(products))]); err != nil {
			drop()
			return engine{}, nil, err
		}
	}
	if err := x.Refresh(ctx); err != nil {
		drop()
		return engine{}, nil, err
	}
	return engine{"Catalog Search on OpenSearch", func(ctx context.Context, q string) ([]string, int, error) {
		return hitsOf(x.Search(ctx, catalog.Query{Text: q, Size: 10}))
	}}, drop, nil
}

// measureAll runs the set on every engine; verbose lists each miss.
func measureAll(ctx context.Context, engines []engine, set []judgment, products int, verbose bool, log io.Writer) ([]figures, error) {
	results := make([]figures, len(engines))
	for i, e := range engines {
		var err error
		if results[i], err = measure(ctx, e, set, products); err != nil {
			return nil, err
		}
		if verbose {
			for _, m := range results[i].misses {
				fmt.Fprintf(log, "%s: %s\n", e.name, m)
			}
		}
	}
	return results, nil
}

func hitsOf(res catalog.Result, err error) ([]string, int, error) {
	if err != nil {
		return nil, 0, err
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.Product.ID)
	}
	return ids, res.Total, nil
}

// baseline indexes the products' text in a Bleve index with the default
// mapping (standard analyzer, one composite field): what a plain match
// query searches.
func baseline(products []catalog.Product) (bleve.Index, error) {
	idx, err := bleve.NewMemOnly(bleve.NewIndexMapping())
	if err != nil {
		return nil, err
	}
	b := idx.NewBatch()
	for _, p := range products {
		attrs := make([]string, 0, len(p.Attributes))
		for _, v := range p.Attributes {
			attrs = append(attrs, v)
		}
		doc := map[string]any{
			"name": p.Name, "brand": p.Brand, "category": strings.Join(p.Category, " "),
			"description": p.Description, "sku": p.SKU, "attributes": strings.Join(attrs, " "),
		}
		if err := b.Index(p.ID, doc); err != nil {
			return nil, err
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, err
	}
	return idx, nil
}

func report(o Options, srcs []source, set []judgment, products int, engines []engine, res []figures) string {
	var b strings.Builder
	matchN, emptyN := 0, 0
	classes := map[string]bool{}
	for _, j := range set {
		classes[j.class] = true
		if len(j.grades) > 0 {
			matchN++
		} else {
			emptyN++
		}
	}
	fmt.Fprintf(&b, "## Relevance on real catalogs\n\n")
	fmt.Fprintf(&b, "`%s`: %d graded queries (%d that should find products, %d that should find nothing) over %d products of %d real public catalog files, searched together as one marketplace. Targets: MRR >= 0.95, nDCG@10 >= 0.90, zero results <= 3%%, false hits <= 20%%, no query answering more than half the catalogue; the engines within 0.02.\n\n",
		o.Command, len(set), matchN, emptyN, products, len(srcs))
	b.WriteString("| engine | MRR | nDCG@10 | recall@10 | zero results | false hits | largest answer | p50 | p99 |\n|---|---|---|---|---|---|---|---|---|\n")
	for i, e := range engines {
		f := res[i]
		fmt.Fprintf(&b, "| %s | %.3f | %.3f | %.3f | %.1f%% (%d) | %.1f%% (%d of %d) | %.0f%% of the catalogue | %s | %s |\n",
			e.name, f.mrr, f.ndcg, f.recall, 100*f.zero, f.zeroN, 100*f.falseHit, f.falseN, f.emptyN, 100*f.maxShare,
			f.p50.Round(time.Microsecond), f.p99.Round(time.Microsecond))
	}
	names := make([]string, 0, len(classes))
	for c := range classes {
		names = append(names, c)
	}
	sort.Strings(names)
	b.WriteString("\nMRR by class of query:\n\n| class | queries |")
	for _, e := range engines {
		fmt.Fprintf(&b, " %s |", e.name)
	}
	b.WriteString("\n|---|---|")
	for range engines {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, c := range names {
		n := res[0].byClass[c][1]
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %.0f |", c, n)
		for i := range engines {
			v := res[i].byClass[c]
			fmt.Fprintf(&b, " %.3f |", v[0]/v[1])
		}
		b.WriteString("\n")
	}
	b.WriteString("\nCatalogs (third-party files, read from ../shared/ or from a snapshot named by RELEVANCE_MAGENTO, never copied into the repository):\n\n")
	for _, s := range srcs {
		fmt.Fprintf(&b, "- `%s`: %s\n", s.partner, s.cite)
	}
	b.WriteString("\nThe queries and their grades are `bench/relevancebench/queries.tsv` (3: the product sought, 2: relevant, 1: acceptable; MRR counts the first hit graded 2 or 3). p50/p99 are the engine's search call in process (OpenSearch: with the HTTP round trip to a local node), one pass after a warm-up pass.\n")
	return b.String()
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/local"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// reindexer is what both engines' indexes offer for a rebuild.
type reindexer interface {
	catalog.Index
	Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error)
}

// runReindex rebuilds the search index from the store: the local Bleve
// index by default, or an OpenSearch index (a new versioned index swapped in
// behind the alias) with --opensearch.
func runReindex(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "reindex")
	data := dataFlag(fs)
	osURL := fs.String("opensearch", "", "rebuild the OpenSearch index at this URL instead of the local Bleve index")
	alias := fs.String("alias", contract.DefaultIndexAlias, "OpenSearch alias (with --opensearch)")
	region := fs.String("region", "", "AWS region: sign OpenSearch requests with SigV4 (with --opensearch)")
	synFile := fs.String("synonyms", "", "synonyms file to build the new index with (default: the built-in rules)")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	var syn *search.Synonyms
	if *synFile != "" {
		var err error
		if syn, err = search.ReadSynonymsFile(*synFile); err != nil {
			return fail(e, "reindex", err)
		}
	}
	stack, err := local.Open(ctx, local.Options{Dir: *data, Logger: logger(e.stderr, slog.LevelWarn)})
	if err != nil {
		return fail(e, "reindex", err)
	}
	defer stack.Close()

	var target reindexer = stack.Index
	engine := "bleve " + *data
	if *osURL != "" {
		x, err := osindex.New(ctx, osindex.Config{URL: *osURL, Alias: *alias, Region: *region, Synonyms: syn, Logger: logger(e.stderr, slog.LevelWarn)})
		if err != nil {
			return fail(e, "reindex", err)
		}
		target, engine = x, "opensearch "+*osURL+" alias "+*alias
	} else if syn != nil {
		stack.Index.SetSynonyms(syn)
	}
	expected, err := target.Count(ctx) // the size of the current index: the bar's estimate
	if err != nil {
		expected = 0
	}
	bar := newProgress(e.stderr, expected, *quiet)
	start := time.Now()
	n, err := target.Reindex(ctx, stack.Store.Products(ctx, ""), bar.update)
	bar.done()
	if err != nil {
		return fail(e, "reindex", err)
	}
	d := time.Since(start)
	fmt.Fprintf(e.stdout, "reindexed %d products into %s in %.1fs (%.0f products/s)\n", n, engine, d.Seconds(), float64(n)/max(d.Seconds(), 1e-9))
	return exitOK
}

// progress draws a one-line progress bar on a terminal-like stream, at most
// ten times a second.
type progress struct {
	w        io.Writer
	expected int
	off      bool
	last     time.Time
	count    int
}

func newProgress(w io.Writer, expected int, off bool) *progress {
	return &progress{w: w, expected: expected, off: off}
}

func (p *progress) update(done int) {
	p.count = done
	if p.off || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	p.draw(done)
}

func (p *progress) draw(done int) {
	const width = 30
	if p.expected > 0 {
		frac := min(float64(done)/float64(p.expected), 1)
		fill := int(frac * width)
		fmt.Fprintf(p.w, "\rreindex [%s%s] %3.0f%% %d products", strings.Repeat("=", fill), strings.Repeat(" ", width-fill), frac*100, done)
	} else {
		fmt.Fprintf(p.w, "\rreindex %d products", done)
	}
}

func (p *progress) done() {
	if !p.off && p.count > 0 {
		p.draw(p.count)
		fmt.Fprintln(p.w)
	}
}

package osindex_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// customSynonyms is a deployment's own file: a multi-word rule that the
// built-in file does not have. Multi-word rules are applied when a query
// is planned, so only an Index planning with these rules finds "barre de
// son" in a product named "Soundbar".
const customSynonyms = "barre de son, barre-de-son, soundbar\n"

func parseSynonyms(t *testing.T, text string) *search.Synonyms {
	t.Helper()
	syn, err := search.ParseSynonyms(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return syn
}

func randomAlias() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "ctest-" + hex.EncodeToString(b)
}

// openIndex opens an Index on the test node; the first one opened on an
// alias drops it at the end of the test.
func openIndex(t *testing.T, cfg osindex.Config, drop bool) *osindex.Index {
	t.Helper()
	cfg.URL = nodeURL(t)
	x, err := osindex.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("osindex.New: %v", err)
	}
	if drop {
		t.Cleanup(func() {
			if err := x.Drop(context.Background()); err != nil {
				t.Errorf("Drop: %v", err)
			}
		})
	}
	return x
}

var soundbar = catalog.Product{ID: "acme:sb1", Partner: "acme", Key: "sb1", Name: "Soundbar Acme 300", Brand: "Acme", Version: 1}

// hits returns the ids the text finds.
func hits(t *testing.T, x *osindex.Index, text string) []string {
	t.Helper()
	q := catalog.Query{Text: text, Size: 10}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.Product.ID)
	}
	return ids
}

func fill(t *testing.T, x *osindex.Index, products ...catalog.Product) {
	t.Helper()
	ctx := context.Background()
	if err := x.Upsert(ctx, products); err != nil {
		t.Fatal(err)
	}
	if err := x.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestQueriesUseTheRulesOfTheLiveIndex: an index built with a deployment's
// file is searched with that file's rules by an Index opened with other
// rules, read-only (the api Lambda) or not (the indexer); the other rules
// only go into the template, for the next index.
func TestQueriesUseTheRulesOfTheLiveIndex(t *testing.T) {
	alias := randomAlias()
	builder := openIndex(t, osindex.Config{Alias: alias, Synonyms: parseSynonyms(t, customSynonyms)}, true)
	fill(t, builder, soundbar)

	// Control: an index built with the built-in rules does not find it.
	plain := openIndex(t, osindex.Config{Alias: randomAlias()}, true)
	fill(t, plain, soundbar)
	if got := hits(t, plain, "barre de son"); len(got) != 0 {
		t.Fatalf("an index with the built-in rules finds %v for %q: the test proves nothing", got, "barre de son")
	}

	for _, tt := range []struct {
		name    string
		noSetup bool
	}{
		{"read-only (api)", true},
		{"read-write (indexer)", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := openIndex(t, osindex.Config{Alias: alias, NoSetup: tt.noSetup}, false) // built-in Synonyms
			for _, text := range []string{"barre de son", "barre-de-son acme", "soundbar"} {
				if got := hits(t, x, text); len(got) != 1 || got[0] != soundbar.ID {
					t.Errorf("%q finds %v, want [%s]", text, got, soundbar.ID)
				}
			}
		})
	}
}

// TestReindexSwitchesToTheNewRules is the roll-out of a changed file: the
// indexer's Index carries the new file but searches with the old index's
// rules until a Reindex builds an index with the new ones.
func TestReindexSwitchesToTheNewRules(t *testing.T) {
	alias := randomAlias()
	old := openIndex(t, osindex.Config{Alias: alias}, true) // built-in rules
	fill(t, old, soundbar)

	x := openIndex(t, osindex.Config{Alias: alias, Synonyms: parseSynonyms(t, customSynonyms)}, false)
	// The new file's canonical word is "barredeson": planned with it,
	// "soundbar" would miss the old index, which has "soundbar".
	if got := hits(t, x, "soundbar"); len(got) != 1 {
		t.Fatalf("before the reindex %q finds %v, want the soundbar (the old index's rules)", "soundbar", got)
	}
	if got := hits(t, x, "barre de son"); len(got) != 0 {
		t.Fatalf("before the reindex %q finds %v in an index built without the rule", "barre de son", got)
	}
	src := func(yield func(catalog.Product, error) bool) { yield(soundbar, nil) }
	if _, err := x.Reindex(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"barre de son", "soundbar"} {
		if got := hits(t, x, text); len(got) != 1 {
			t.Fatalf("after the reindex %q finds %v, want the soundbar", text, got)
		}
	}
	// A fresh read-only Index sees the new index's rules too.
	ro := openIndex(t, osindex.Config{Alias: alias, NoSetup: true}, false)
	if got := hits(t, ro, "barre de son"); len(got) != 1 {
		t.Fatalf("a new read-only Index: %q finds %v, want the soundbar", "barre de son", got)
	}
}

// TestIndexWithoutRules: an index built with an empty file is searched
// without rules, not with the built-in ones.
func TestIndexWithoutRules(t *testing.T) {
	alias := randomAlias()
	builder := openIndex(t, osindex.Config{Alias: alias, Synonyms: parseSynonyms(t, "# none\n")}, true)
	tshirt := catalog.Product{ID: "acme:ts", Partner: "acme", Key: "ts", Name: "Tshirt coton", Version: 1}
	fill(t, builder, tshirt)
	x := openIndex(t, osindex.Config{Alias: alias, NoSetup: true}, false)
	if got := hits(t, x, "t shirt"); len(got) != 0 {
		t.Errorf("%q finds %v in an index built without rules", "t shirt", got)
	}
	if got := hits(t, x, "tshirt"); len(got) != 1 {
		t.Errorf("%q finds %v, want the t-shirt", "tshirt", got)
	}
}

// TestUnreadableSettingsFallBackToTheConfiguration: a principal that may
// search but not read index settings still gets an Index (with the
// configured rules) and a logged warning. A fake server stands in for the
// engine: a real node without the security plugin cannot refuse a request.
func TestUnreadableSettingsFallBackToTheConfiguration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_settings") {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"error":"no permissions for [indices:monitor/settings/get]"}`)
			return
		}
		_, _ = io.WriteString(w, `{"count":1}`)
	}))
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	x, err := osindex.New(context.Background(), osindex.Config{URL: srv.URL, NoSetup: true,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("New with unreadable settings: %v", err)
	}
	if n, err := x.Count(context.Background()); err != nil || n != 1 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	if !strings.Contains(logs.String(), "query synonyms are those of the configuration") {
		t.Errorf("no warning logged: %s", logs.String())
	}
}

// TestWarmReadersFollowAReindex: a reader opened before another process
// reindexed with other rules (a warm api Lambda) plans with the new
// index's rules once its SynonymsRefresh has passed.
func TestWarmReadersFollowAReindex(t *testing.T) {
	alias := randomAlias()
	old := openIndex(t, osindex.Config{Alias: alias}, true) // built-in rules
	fill(t, old, soundbar)
	reader := openIndex(t, osindex.Config{Alias: alias, NoSetup: true, SynonymsRefresh: time.Millisecond}, false)
	never := openIndex(t, osindex.Config{Alias: alias, NoSetup: true, SynonymsRefresh: -1}, false)
	if got := hits(t, reader, "barre de son"); len(got) != 0 {
		t.Fatalf("before the reindex %q finds %v in an index built without the rule", "barre de son", got)
	}

	builder := openIndex(t, osindex.Config{Alias: alias, Synonyms: parseSynonyms(t, customSynonyms)}, false)
	src := func(yield func(catalog.Product, error) bool) { yield(soundbar, nil) }
	if _, err := builder.Reindex(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if got := hits(t, reader, "barre de son"); len(got) != 1 {
		t.Errorf("a warm reader after the reindex: %q finds %v, want the soundbar", "barre de son", got)
	}
	// Control: a reader that never reads the rules again still plans with
	// the old ones, so the refresh is what made the difference.
	if got := hits(t, never, "barre de son"); len(got) != 0 {
		t.Errorf("a reader without refresh: %q finds %v, want nothing (old rules)", "barre de son", got)
	}
}

// methodRecorder records the HTTP methods of the requests it carries.
type methodRecorder struct {
	mu      sync.Mutex
	methods map[string]bool
}

func (m *methodRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	m.mu.Lock()
	m.methods[r.Method+" "+r.URL.Path] = true
	m.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// TestReadOnlyIndexOnlyReads: everything the api Lambda does with a
// NoSetup Index (search with text, filters and facets, a zero-hit query's
// did-you-mean, suggestions, the health count) is a GET or HEAD request,
// the methods its role is granted on the domain (GrantRead).
func TestReadOnlyIndexOnlyReads(t *testing.T) {
	alias := randomAlias()
	fill(t, openIndex(t, osindex.Config{Alias: alias}, true), soundbar)
	rec := &methodRecorder{methods: map[string]bool{}}
	x := openIndex(t, osindex.Config{Alias: alias, NoSetup: true, SynonymsRefresh: time.Nanosecond, Transport: rec}, false)
	ctx := context.Background()
	for _, text := range []string{"soundbar", "soundbarr ", "acme"} {
		q := catalog.Query{Text: text, Facets: []string{"brand", "price"}, Filters: catalog.Filters{Brands: []string{"Acme"}}}
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		if _, err := x.Search(ctx, q); err != nil {
			t.Fatalf("Search(%q): %v", text, err)
		}
	}
	if _, err := x.Suggest(ctx, "sou", 5); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Count(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.methods) < 3 {
		t.Fatalf("recorded %v: the transport was not used", rec.methods)
	}
	for m := range rec.methods {
		if !strings.HasPrefix(m, http.MethodGet+" ") && !strings.HasPrefix(m, http.MethodHead+" ") {
			t.Errorf("a read-only Index sent %s: not allowed by a read grant", m)
		}
	}
}

package osindex_test

// These tests put a fake HTTP server in place of OpenSearch: a real node
// cannot be made to answer 429/503 or a failing bulk item on demand, nor
// check a SigV4 signature. Everything else runs against a real node in
// index_test.go.

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/indextest"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// fake answers the set-up calls of osindex.New and hands every _bulk and
// _search call to bulk.
type fake struct {
	mu      sync.Mutex
	bulks   []string // bodies of the _bulk calls
	headers []http.Header
	bulk    func(n int, body string) (int, string)
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.headers = append(f.headers, r.Header.Clone())
	f.mu.Unlock()
	switch {
	case strings.HasPrefix(r.URL.Path, "/_bulk") || strings.HasSuffix(r.URL.Path, "/_search"):
		f.mu.Lock()
		f.bulks = append(f.bulks, string(body))
		n := len(f.bulks)
		f.mu.Unlock()
		status, out := f.bulk(n, string(body))
		w.WriteHeader(status)
		_, _ = io.WriteString(w, out)
	default: // template, alias
		_, _ = io.WriteString(w, "{}")
	}
}

func newFake(t *testing.T, bulk func(n int, body string) (int, string), cfg osindex.Config) (*osindex.Index, *fake) {
	t.Helper()
	f := &fake{bulk: bulk}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg.URL = srv.URL
	cfg.Alias = "products"
	cfg.RetryBase = time.Millisecond
	x, err := osindex.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return x, f
}

func items(statuses ...int) string {
	var list []any
	errs := false
	for _, s := range statuses {
		it := map[string]any{"status": s}
		if s >= 300 {
			errs = true
			it["error"] = map[string]any{"type": "engine_detail", "reason": "raw engine text"}
		}
		list = append(list, map[string]any{"index": it})
	}
	b, _ := json.Marshal(map[string]any{"errors": errs, "items": list})
	return string(b)
}

func TestBulkRetriesThrottling(t *testing.T) {
	products := indextest.Fixture()[:2]
	cases := []struct {
		name  string
		bulk  func(n int, body string) (int, string)
		calls int
		code  catalog.Code
	}{
		{"429 then OK", func(n int, _ string) (int, string) {
			if n < 3 {
				return 429, `{"error":"too many requests"}`
			}
			return 200, items(201, 201)
		}, 3, ""},
		{"503 on every call", func(int, string) (int, string) { return 503, `{"error":"raw engine text"}` }, 5, catalog.CodeUnavailable},
		{"one item throttled, sent again alone", func(n int, body string) (int, string) {
			if n == 1 {
				return 200, items(429, 201)
			}
			if strings.Count(body, "\n") != 2 {
				return 400, `{"error":"the retry should carry one document"}`
			}
			return 200, items(201)
		}, 2, ""},
		{"a version conflict is the contract", func(int, string) (int, string) { return 200, items(409, 201) }, 1, ""},
		{"a refused document is an internal error", func(int, string) (int, string) { return 200, items(400, 201) }, 1, catalog.CodeInternal},
		{"a bad request is an internal error", func(int, string) (int, string) { return 400, `{"error":"raw engine text"}` }, 1, catalog.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, f := newFake(t, c.bulk, osindex.Config{})
			err := x.Upsert(context.Background(), products)
			if catalog.CodeOf(err) != c.code {
				t.Fatalf("Upsert error %v, want code %q", err, c.code)
			}
			if len(f.bulks) != c.calls {
				t.Errorf("%d _bulk calls, want %d", len(f.bulks), c.calls)
			}
			if err != nil && strings.Contains(catalog.MessageOf(err), "raw engine text") {
				t.Errorf("engine text reaches the user: %q", catalog.MessageOf(err))
			}
			if strings.Contains(f.bulks[0], `"version_type":"external"`) == false {
				t.Errorf("bulk without external versioning: %s", f.bulks[0])
			}
		})
	}
}

func TestSearchErrorsAreCoded(t *testing.T) {
	x, _ := newFake(t, func(int, string) (int, string) { return 500, `{"error":"raw engine text"}` }, osindex.Config{})
	_, err := x.Search(context.Background(), catalog.Query{Text: "chaise"})
	if catalog.CodeOf(err) != catalog.CodeInternal || catalog.MessageOf(err) != "internal error" {
		t.Fatalf("Search error %v (%q), want internal with a safe message", err, catalog.MessageOf(err))
	}
	x, _ = newFake(t, func(int, string) (int, string) { return 429, `{}` }, osindex.Config{MaxRetries: 1})
	if _, err := x.Search(context.Background(), catalog.Query{Text: "chaise"}); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("Search error %v, want unavailable", err)
	}
}

func TestSigV4(t *testing.T) {
	ok := func(int, string) (int, string) { return 200, items(201) }
	x, f := newFake(t, ok, osindex.Config{
		Region:      "eu-west-3",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
	})
	if err := x.Upsert(context.Background(), indextest.Fixture()[:1]); err != nil {
		t.Fatal(err)
	}
	for _, h := range f.headers {
		auth := h.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, "/eu-west-3/es/aws4_request") || h.Get("X-Amz-Date") == "" {
			t.Fatalf("request not SigV4-signed: Authorization %q", auth)
		}
	}
	_, plain := newFake(t, ok, osindex.Config{})
	for _, h := range plain.headers {
		if h.Get("Authorization") != "" {
			t.Fatalf("plain request carries Authorization %q", h.Get("Authorization"))
		}
	}
}

func TestNoSetupPutsNothing(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		_, _ = io.WriteString(w, `{"count":3}`)
	}))
	t.Cleanup(srv.Close)
	x, err := osindex.New(context.Background(), osindex.Config{URL: srv.URL, Alias: "products", NoSetup: true})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := x.Count(context.Background()); err != nil || n != 3 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	// Reading the live index's settings (its synonyms) is the one set-up
	// call, and a read.
	if strings.Join(paths, ",") != "GET /products/_settings,GET /products/_count" {
		t.Fatalf("requests %v, want only the settings and the count", paths)
	}
}

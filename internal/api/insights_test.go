package api_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// issueOperator issues an operator key in blobs.
func issueOperator(t *testing.T, blobs catalog.Blobs) string {
	t.Helper()
	key, err := partnerkeys.New(blobs).IssueOperator(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// insightsAPI is an API over a Bleve index and a bbolt store that keeps
// the search analytics (recorded synchronously, so a test reads them at
// once), with acme's partner key and an operator key.
type insightsAPI struct {
	*ingestAPI
	idx *bleveindex.Index
	op  string
}

// syncRecorder writes each event to the store at once.
type syncRecorder struct {
	t   *testing.T
	log catalog.SearchLog
}

func (s syncRecorder) Record(ev catalog.SearchEvent) {
	if err := s.log.AddSearchEvents(context.Background(), []catalog.SearchEvent{ev}); err != nil {
		s.t.Error(err)
	}
}

func newInsightsAPI(t *testing.T) *insightsAPI {
	t.Helper()
	a := newIngestAPI(t, 0)
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "index"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = idx.Close() })
	log := a.store.(catalog.SearchLog)
	a.h = api.New(api.Deps{Store: a.store, Index: idx, Blobs: a.blobs, Clock: func() time.Time { return *a.now },
		Recorder: syncRecorder{t, log}, SearchLog: log})
	return &insightsAPI{ingestAPI: a, idx: idx, op: issueOperator(t, a.blobs)}
}

// TestInsightsNeedTheOperatorKey: every view answers the operator key, and
// refuses no key (401), an unknown key (401) and a partner's key (403),
// whichever view is asked.
func TestInsightsNeedTheOperatorKey(t *testing.T) {
	a := newInsightsAPI(t)
	revoked := issueKey(t, a.blobs, "acme")
	if err := partnerkeys.New(a.blobs).Revoke(context.Background(), revoked); err != nil {
		t.Fatal(err)
	}
	for _, view := range append([]string{"nope"}, api.InsightViews()...) {
		cases := []struct {
			name, key string
			want      int
		}{
			{"no key", "", http.StatusUnauthorized},
			{"unknown key", "cso_unknown", http.StatusUnauthorized},
			{"partner key", a.key, http.StatusForbidden},
			{"revoked partner key", revoked, http.StatusUnauthorized},
		}
		for _, c := range cases {
			rec, body := a.doKey(t, c.key, "GET", "/v1/insights/"+view, "")
			if rec.Code != c.want || strings.Contains(rec.Body.String(), view+`":`) {
				t.Errorf("%s, %s: %d %v, want %d", view, c.name, rec.Code, body, c.want)
			}
		}
		want := http.StatusOK
		if view == "nope" {
			want = http.StatusNotFound
		}
		if rec, body := a.doKey(t, a.op, "GET", "/v1/insights/"+view, ""); rec.Code != want {
			t.Errorf("%s with the operator key: %d %v", view, rec.Code, body)
		}
	}
}

// TestSearchAnalyticsThroughTheAPI: searches with text and clicks reported
// by the site become the queries, zero-results, clicks and filters views;
// the text is normalised, an e-mail address never kept, later pages and
// searches without text not counted.
func TestSearchAnalyticsThroughTheAPI(t *testing.T) {
	a := newInsightsAPI(t)
	p := catalogtest.SampleProduct("acme", "C1")
	p.Name, p.Brand = "Chaise de jardin", "Acme"
	if err := a.idx.Upsert(context.Background(), []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	for _, target := range []string{
		"/v1/search?q=Chaise", "/v1/search?q=%20CHAISE%20&brand=Acme", "/v1/search?q=chaise&page=2",
		"/v1/search?q=zorglub", "/v1/search?q=Zorglub", "/v1/search?q=jean@example.com", "/v1/search?category=X",
	} {
		if rec, body := a.doKey(t, "", "GET", target, ""); rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %v", target, rec.Code, body)
		}
	}
	for _, c := range []struct {
		body string
		want int
	}{
		{`{"q":"Chaise","position":1}`, http.StatusNoContent},
		{`{"q":"chaise","position":2}`, http.StatusNoContent},
		{`{"q":"chaise","position":0}`, http.StatusBadRequest},
		{`{"q":"","position":1}`, http.StatusNoContent}, // browsing: not counted
		{`{"q":null,"position":1}`, http.StatusBadRequest},
		{`{"position":1}`, http.StatusBadRequest},
		{`{"q":"` + strings.Repeat("a", catalog.MaxQueryLength+1) + `","position":1}`, http.StatusBadRequest},
		{`{"q":"chaise","position":1,"user":"x"}`, http.StatusBadRequest},
	} {
		if rec, body := a.doKey(t, "", "POST", "/v1/search/clicks", c.body); rec.Code != c.want {
			t.Errorf("click %s: %d %v, want %d", c.body, rec.Code, body, c.want)
		}
	}
	view := func(name string) any {
		t.Helper()
		rec, body := a.doKey(t, a.op, "GET", "/v1/insights/"+name, "")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %v", name, rec.Code, body)
		}
		return body[name]
	}
	queries := fmt.Sprint(view("queries"))
	want := "[map[clicks:2 last_total:1 query:chaise searches:2 zero_results:0] " +
		"map[clicks:0 last_total:0 query:zorglub searches:2 zero_results:2] " +
		"map[clicks:0 last_total:0 query:<email> searches:1 zero_results:1]]"
	if queries != want {
		t.Fatalf("queries = %s\nwant      %s", queries, want)
	}
	if zero := fmt.Sprint(view("zero-results")); !strings.HasPrefix(zero, "[map[clicks:0 last_total:0 query:zorglub searches:2 zero_results:2] ") {
		t.Fatalf("zero-results = %s", zero)
	}
	if clicks := fmt.Sprint(view("clicks")); clicks != "map[positions:[map[clicks:1 position:1 rate:0.2] map[clicks:1 position:2 rate:0.2]] searches:5 zero_results:3]" {
		t.Fatalf("clicks = %s", clicks)
	}
	if filters := fmt.Sprint(view("filters")); filters != "map[filters:[map[count:1 value:brand]] searches:5]" {
		t.Fatalf("filters = %s", filters)
	}
	// The page's view: the three in one read, the same figures.
	all, _ := view("searches").(map[string]any)
	if fmt.Sprint(all["queries"]) != want || fmt.Sprint(all["clicks"]) != fmt.Sprint(view("clicks")) || fmt.Sprint(all["zero-results"]) != fmt.Sprint(view("zero-results")) {
		t.Fatalf("searches = %v", all)
	}
	// A period without them.
	if rec, body := a.doKey(t, a.op, "GET", "/v1/insights/queries?from=2026-01-01&to=2026-01-31", ""); rec.Code != http.StatusOK || fmt.Sprint(body["queries"]) != "[]" {
		t.Fatalf("another period: %d %v", rec.Code, body)
	}
}

// TestCatalogInsightsViews: the catalog views are the index's
// aggregations, each under its own name; size bounds the lists.
func TestCatalogInsightsViews(t *testing.T) {
	a := newInsightsAPI(t)
	var ps []catalog.Product
	for i, partner := range []string{"acme", "acme", "zeta"} {
		p := catalogtest.SampleProduct(partner, fmt.Sprint("K", i))
		p.OfferKey = "gtin:04006381333931"
		ps = append(ps, p)
	}
	if err := a.idx.Upsert(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	rec, body := a.doKey(t, a.op, "GET", "/v1/insights/catalog", "")
	all, _ := body["catalog"].(map[string]any)
	if rec.Code != http.StatusOK || all["total"] != 3.0 || fmt.Sprint(all["partners"]) != "[map[count:2 value:acme] map[count:1 value:zeta]]" {
		t.Fatalf("catalog: %d %v", rec.Code, body)
	}
	if got := fmt.Sprint(all["offers"]); got != "map[shared:[map[key:gtin:04006381333931 partners:2 products:3]] with_key:3]" {
		t.Fatalf("offers = %s", got)
	}
	rec, body = a.doKey(t, a.op, "GET", "/v1/insights/partners?size=1", "")
	if rec.Code != http.StatusOK || fmt.Sprint(body["partners"]) != "[map[count:2 value:acme]]" {
		t.Fatalf("partners?size=1: %d %v", rec.Code, body)
	}
	for _, bad := range []string{"size=0", "size=101", "size=x"} {
		if rec, _ := a.doKey(t, a.op, "GET", "/v1/insights/partners?"+bad, ""); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
}

// TestInsightsFreshness: per partner, the last successful upload and the
// files refused in the period, least fresh first.
func TestInsightsFreshness(t *testing.T) {
	ctx := context.Background()
	a := newIngestAPI(t, 0)
	op := issueOperator(t, a.blobs)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	for _, c := range []catalog.Catalog{
		{ID: "c1", Partner: "acme", File: "a1.csv", Status: catalog.StatusDone, ReceivedAt: day(1), FinishedAt: day(1).Add(time.Minute)},
		{ID: "c2", Partner: "acme", File: "a2.csv", Status: catalog.StatusDone, ReceivedAt: day(20), FinishedAt: day(20).Add(time.Minute)},
		{ID: "c3", Partner: "acme", File: "bad.csv", Status: catalog.StatusRefused, ReceivedAt: day(21), FinishedAt: day(21)},
		{ID: "c4", Partner: "zeta", File: "z.csv", Status: catalog.StatusDone, ReceivedAt: day(2), FinishedAt: day(2).Add(time.Minute)},
		{ID: "c5", Partner: "zeta", File: "z2.csv", Status: catalog.StatusFailed, ReceivedAt: day(25)},
		{ID: "c6", Partner: "new", File: "n.csv", Status: catalog.StatusRefused, ReceivedAt: day(26)},
	} {
		c.Key = "incoming/" + c.Partner + "/" + c.File
		if err := a.store.PutCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	rec, body := a.doKey(t, op, "GET", "/v1/insights/freshness?from=2026-11-15&to=2026-11-28", "")
	if rec.Code != http.StatusOK || body["view"] != "freshness" || body["from"] != "2026-11-15T00:00:00Z" || body["to"] != "2026-11-28T23:59:59.999999999Z" {
		t.Fatalf("freshness: %d %v", rec.Code, body)
	}
	rows, _ := body["freshness"].([]any)
	var got []string
	for _, r := range rows {
		m := r.(map[string]any)
		last, _ := m["last_success"].(string)
		got = append(got, strings.Join([]string{m["partner"].(string), last, str(m["last_file"]), num(m["files"]), num(m["refused"]), num(m["failed"])}, " "))
	}
	want := []string{
		"new  <nil> 1 1 0",
		"zeta 2026-11-02T10:01:00Z z.csv 1 0 1",
		"acme 2026-11-20T10:01:00Z a2.csv 2 1 0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("freshness:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, bad := range []string{"from=yesterday", "from=2026-11-20&to=2026-11-01"} {
		if rec, body := a.doKey(t, op, "GET", "/v1/insights/freshness?"+bad, ""); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: %d %v", bad, rec.Code, body)
		}
	}
}

func str(v any) string {
	s, ok := v.(string)
	if !ok {
		return "<nil>"
	}
	return s
}

func num(v any) string {
	f, _ := v.(float64)
	return strconv.Itoa(int(f))
}

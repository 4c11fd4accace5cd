package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
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

// TestInsightsNeedTheOperatorKey: every view answers the operator key, and
// refuses no key (401), an unknown key (401) and a partner's key (403),
// whichever view is asked.
func TestInsightsNeedTheOperatorKey(t *testing.T) {
	a := newAuthAPI(t)
	op := issueOperator(t, a.blobs)
	for _, view := range append([]string{"nope"}, api.InsightViews()...) {
		cases := []struct {
			name, key string
			want      int
		}{
			{"no key", "", http.StatusUnauthorized},
			{"unknown key", "cso_unknown", http.StatusUnauthorized},
			{"partner key", a.key, http.StatusForbidden},
			{"revoked partner key", a.revoked, http.StatusUnauthorized},
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
		if rec, body := a.doKey(t, op, "GET", "/v1/insights/"+view, ""); rec.Code != want {
			t.Errorf("%s with the operator key: %d %v", view, rec.Code, body)
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

package api

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// The operator's insights: GET /v1/insights/{view}, for an operator key
// only (partnerkeys: cso_..., created by catalogctl operator-key). A
// partner's key is refused with 403, no key or an unknown one with 401.
// Every view answers {"view", "from", "to", ...} for the period asked
// (from and to, RFC 3339 or YYYY-MM-DD; default the last 30 days).

// InsightViews are the views of GET /v1/insights/{view}, in the order the
// site shows them.
func InsightViews() []string {
	return []string{"catalog", "partners", "categories", "prices", "offers", "grades", "freshness",
		"searches", "queries", "zero-results", "clicks", "filters"}
}

// maxCatalogsScanned bounds the catalog records the freshness view reads
// (newest first).
const maxCatalogsScanned = 10000

// defaultPeriod is the period of a view without from.
const defaultPeriod = 30 * 24 * time.Hour

// operator checks that the request carries an operator key.
func (a *API) operator(r *http.Request) error {
	key := strings.TrimSpace(r.Header.Get("X-Api-Key"))
	if key == "" {
		h := r.Header.Get("Authorization")
		if scheme, rest, ok := strings.Cut(strings.TrimSpace(h), " "); ok && strings.EqualFold(scheme, "Bearer") {
			key = strings.TrimSpace(rest)
		}
	}
	return a.deps.Keys.Operator(r.Context(), key)
}

// period is the time window of an insights request.
type period struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// parsePeriod reads from and to; a date alone is its whole day (to: up to
// the end of that day).
func parsePeriod(v url.Values, now time.Time) (period, error) {
	p := period{From: now.Add(-defaultPeriod), To: now}
	for _, f := range []struct {
		name  string
		dst   *time.Time
		isEnd bool
	}{{"from", &p.From, false}, {"to", &p.To, true}} {
		s := strings.TrimSpace(v.Get(f.name))
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			d, derr := time.Parse(time.DateOnly, s)
			if derr != nil {
				return period{}, catalog.Errorf(catalog.CodeInvalid, "%s must be a date (YYYY-MM-DD) or an RFC 3339 time", f.name)
			}
			t = d
			if f.isEnd {
				t = d.Add(24*time.Hour - time.Nanosecond)
			}
		}
		*f.dst = t.UTC()
	}
	if p.From.After(p.To) {
		return period{}, catalog.Errorf(catalog.CodeInvalid, "from is after to")
	}
	return p, nil
}

// insights is GET /v1/insights/{view}.
func (a *API) insights(w http.ResponseWriter, r *http.Request) error {
	if err := a.operator(r); err != nil {
		return err
	}
	view := r.PathValue("view")
	p, err := parsePeriod(r.URL.Query(), a.deps.Clock())
	if err != nil {
		return err
	}
	size, err := insightsSize(r.URL.Query())
	if err != nil {
		return err
	}
	var body any
	switch view {
	case "catalog", "partners", "categories", "prices", "offers", "grades":
		body, err = a.catalogInsights(r, view, size)
	case "freshness":
		body, err = a.freshness(r, p)
	case "searches", "queries", "zero-results", "clicks", "filters":
		body, err = a.searchInsights(r, view, p, size)
	default:
		return catalog.Errorf(catalog.CodeNotFound, "no insights view %q (one of %s)", view, strings.Join(InsightViews(), ", "))
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"view": view, "from": p.From, "to": p.To, view: body})
	return nil
}

// PartnerFreshness is one partner's line of the freshness view.
type PartnerFreshness struct {
	Partner string `json:"partner"`
	// LastSuccess is when the partner's newest ingested (done) file
	// finished, zero when none has; LastFile names that file.
	LastSuccess time.Time `json:"last_success,omitzero"`
	LastFile    string    `json:"last_file,omitempty"`
	// Files, Refused and Failed count the partner's files received in
	// the period, those refused as a whole and those that failed.
	Files   int `json:"files"`
	Refused int `json:"refused"`
	Failed  int `json:"failed"`
}

// freshness lists, per partner, its last successful upload and the files
// refused in the period, least fresh first.
func (a *API) freshness(r *http.Request, p period) ([]PartnerFreshness, error) {
	cats, err := a.deps.Store.ListCatalogs(r.Context(), "", maxCatalogsScanned)
	if err != nil {
		return nil, err
	}
	byPartner := map[string]*PartnerFreshness{}
	for _, c := range cats {
		f := byPartner[c.Partner]
		if f == nil {
			f = &PartnerFreshness{Partner: c.Partner}
			byPartner[c.Partner] = f
		}
		if c.Status == catalog.StatusDone && c.FinishedAt.After(f.LastSuccess) {
			f.LastSuccess, f.LastFile = c.FinishedAt.UTC(), c.File
		}
		if c.ReceivedAt.Before(p.From) || c.ReceivedAt.After(p.To) || c.Slot != nil && c.Status == catalog.StatusReceived {
			continue
		}
		f.Files++
		switch c.Status {
		case catalog.StatusRefused:
			f.Refused++
		case catalog.StatusFailed:
			f.Failed++
		}
	}
	out := make([]PartnerFreshness, 0, len(byPartner))
	for _, f := range byPartner {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].LastSuccess.Equal(out[j].LastSuccess) {
			return out[i].LastSuccess.Before(out[j].LastSuccess)
		}
		return out[i].Partner < out[j].Partner
	})
	return out, nil
}

// insightsSize reads size (the length of each list).
func insightsSize(v url.Values) (int, error) {
	s := strings.TrimSpace(v.Get("size"))
	if s == "" {
		return catalog.DefaultInsightsSize, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > catalog.MaxInsightsSize {
		return 0, catalog.Errorf(catalog.CodeInvalid, "size must be between 1 and %d", catalog.MaxInsightsSize)
	}
	return n, nil
}

// catalogInsights answers the views of the index's aggregations: the
// catalogs as they are now ("catalog" is all of them in one).
func (a *API) catalogInsights(r *http.Request, view string, size int) (any, error) {
	q := catalog.InsightsQuery{Size: size}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	in, err := a.deps.Index.Insights(r.Context(), q)
	if err != nil {
		return nil, err
	}
	switch view {
	case "partners":
		return in.Partners, nil
	case "categories":
		return in.Categories, nil
	case "prices":
		return in.Prices, nil
	case "offers":
		return in.Offers, nil
	case "grades":
		return in.Grades, nil
	}
	return in, nil
}

// PositionClicks is one line of the clicks view.
type PositionClicks struct {
	Position int     `json:"position"`
	Clicks   int     `json:"clicks"`
	Rate     float64 `json:"rate"` // clicks / searches of the period
}

// searchInsights answers the views of the search analytics of period p.
func (a *API) searchInsights(r *http.Request, view string, p period, size int) (any, error) {
	if a.deps.SearchLog == nil {
		return nil, catalog.Errorf(catalog.CodeUnavailable, "search analytics are not kept where this API runs")
	}
	st, err := a.deps.SearchLog.SearchStats(r.Context(), p.From, p.To)
	if err != nil {
		return nil, err
	}
	zero := func() []catalog.QueryStats {
		out := []catalog.QueryStats{}
		for _, q := range st.Queries {
			if q.ZeroResults > 0 {
				out = append(out, q)
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].ZeroResults > out[j].ZeroResults })
		return out[:min(len(out), size)]
	}
	clicks := func() map[string]any {
		out := []PositionClicks{}
		for i, n := range st.Clicks {
			pc := PositionClicks{Position: i + 1, Clicks: n}
			if st.Searches > 0 {
				pc.Rate = float64(n) / float64(st.Searches)
			}
			out = append(out, pc)
		}
		return map[string]any{"searches": st.Searches, "zero_results": st.ZeroResults, "positions": out[:min(len(out), size)]}
	}
	switch view {
	case "queries":
		return st.Queries[:min(len(st.Queries), size)], nil
	case "zero-results":
		return zero(), nil
	case "clicks":
		return clicks(), nil
	case "searches":
		// The three views of the insights page in one read of the period.
		return map[string]any{"queries": st.Queries[:min(len(st.Queries), size)], "zero-results": zero(), "clicks": clicks()}, nil
	}
	filters := []catalog.FacetValue{}
	for f, n := range st.Filters {
		filters = append(filters, catalog.FacetValue{Value: f, Count: n})
	}
	sort.Slice(filters, func(i, j int) bool {
		if filters[i].Count != filters[j].Count {
			return filters[i].Count > filters[j].Count
		}
		return filters[i].Value < filters[j].Value
	})
	return map[string]any{"searches": st.Searches, "filters": filters}, nil
}

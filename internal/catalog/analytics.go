package catalog

import (
	"context"
	"sort"
	"time"
)

// Search analytics: what buyers search and click, without personal data.
// An event holds the normalised query text (search.AnalyticsQuery), the
// result count, the names of the filters used (never their values), and
// for a click the result's position; no address, no session, no user.

// SearchEvent is one search (Position 0) or one click on a result of a
// search (Position: the result's 1-based position on the results page).
type SearchEvent struct {
	At       time.Time `json:"at"`
	Query    string    `json:"q"`
	Total    int       `json:"total,omitempty"`
	Filters  []string  `json:"filters,omitempty"`
	Position int       `json:"position,omitempty"`
}

// MaxClickPosition is the deepest result position a click is counted at.
const MaxClickPosition = 100

// SearchLog keeps search analytics as counts per day: the embedded store
// implements it; on AWS the api Lambda writes its events as log lines
// (docs/architecture.md).
type SearchLog interface {
	// AddSearchEvents counts events into their days' aggregates, all in
	// one write.
	AddSearchEvents(ctx context.Context, events []SearchEvent) error
	// SearchStats sums the days from..to (UTC days, both included).
	SearchStats(ctx context.Context, from, to time.Time) (SearchStats, error)
}

// SearchStats are the search analytics of a period.
type SearchStats struct {
	Searches    int `json:"searches"`     // searches with text
	ZeroResults int `json:"zero_results"` // of which found nothing
	// Queries are the counts of every normalised query of the period.
	Queries []QueryStats `json:"queries"`
	// Clicks counts clicks by result position (index 0 = position 1).
	Clicks []int `json:"clicks"`
	// Filters counts the searches that used each filter (by name).
	Filters map[string]int `json:"filters"`
}

// QueryStats are one normalised query's counts in a period.
type QueryStats struct {
	Query       string `json:"query"`
	Searches    int    `json:"searches"`
	ZeroResults int    `json:"zero_results"`
	Clicks      int    `json:"clicks"`
	LastTotal   int    `json:"last_total"` // the result count of its latest search
}

// SortedQueries lists a period's query counts, the most searched first
// (then by text), as every SearchLog returns them in SearchStats.Queries.
func SortedQueries(queries map[string]*QueryStats) []QueryStats {
	out := make([]QueryStats, 0, len(queries))
	for _, qs := range queries {
		out = append(out, *qs)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Searches != b.Searches {
			return a.Searches > b.Searches
		}
		return a.Query < b.Query
	})
	return out
}

package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.SearchLog = (*Store)(nil)

// bucketSearchStats holds the search analytics, counts per UTC day: under
// "YYYY-MM-DD\x00t" the day's totals (dayTotals), under
// "YYYY-MM-DD\x00q\x00<query>" one query's counts (queryCounts). A period
// is one range scan of its days' keys.
func bucketSearchStats() []byte { return []byte("searchstats") }

// dayTotals are one day's totals.
type dayTotals struct {
	Searches int            `json:"s"`
	Zero     int            `json:"z,omitempty"`
	Clicks   []int          `json:"c,omitempty"` // by position - 1
	Filters  map[string]int `json:"f,omitempty"`
}

// queryCounts are one query's counts of one day, stored as five decimal
// numbers separated by spaces (searches, zero results, clicks, the last
// result count, the last search's unix nanoseconds): a period sums tens
// of thousands of them, and reading these is several times faster than
// reading JSON.
type queryCounts struct {
	Searches  int
	Zero      int
	Clicks    int
	LastTotal int
	LastAt    time.Time
}

// marshal writes q as stored.
func (q queryCounts) marshal() []byte {
	b := strconv.AppendInt(nil, int64(q.Searches), 10)
	for _, n := range []int64{int64(q.Zero), int64(q.Clicks), int64(q.LastTotal), q.LastAt.UnixNano()} {
		b = strconv.AppendInt(append(b, ' '), n, 10)
	}
	return b
}

// unmarshal reads what marshal wrote.
func (q *queryCounts) unmarshal(b []byte) error {
	var f [5]int64
	for i := range f {
		end := bytes.IndexByte(b, ' ')
		if end < 0 {
			end = len(b)
		}
		n, err := strconv.ParseInt(string(b[:end]), 10, 64)
		if err != nil {
			return fmt.Errorf("search analytics record: %w", err)
		}
		f[i] = n
		b = b[min(end+1, len(b)):]
	}
	q.Searches, q.Zero, q.Clicks, q.LastTotal = int(f[0]), int(f[1]), int(f[2]), int(f[3])
	q.LastAt = time.Unix(0, f[4]).UTC()
	return nil
}

func dayKey(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// AddSearchEvents implements catalog.SearchLog.
func (s *Store) AddSearchEvents(ctx context.Context, events []catalog.SearchEvent) error {
	if len(events) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSearchStats())
		if err != nil {
			return err
		}
		days := map[string]*dayTotals{}
		queries := map[string]*queryCounts{}
		for _, ev := range events {
			day := dayKey(ev.At)
			dt, err := loadRecord(b, days, day+"\x00t", func() *dayTotals { return &dayTotals{} })
			if err != nil {
				return err
			}
			qk := day + "\x00q\x00" + ev.Query
			qc, ok := queries[qk]
			if !ok {
				qc = &queryCounts{}
				if raw := b.Get([]byte(qk)); raw != nil {
					if err := qc.unmarshal(raw); err != nil {
						return err
					}
				}
				queries[qk] = qc
			}
			addEvent(dt, qc, ev)
		}
		for k, v := range days {
			if err := putJSON(b, k, v); err != nil {
				return err
			}
		}
		for k, v := range queries {
			if err := b.Put([]byte(k), v.marshal()); err != nil {
				return err
			}
		}
		return nil
	})
	return internal(err, "record search analytics")
}

// addEvent counts one event into its day's totals and its query's counts.
func addEvent(dt *dayTotals, qc *queryCounts, ev catalog.SearchEvent) {
	if ev.Position > 0 {
		if ev.Position > catalog.MaxClickPosition {
			return
		}
		for len(dt.Clicks) < ev.Position {
			dt.Clicks = append(dt.Clicks, 0)
		}
		dt.Clicks[ev.Position-1]++
		qc.Clicks++
		return
	}
	dt.Searches++
	qc.Searches++
	if ev.Total == 0 {
		dt.Zero++
		qc.Zero++
	}
	if !ev.At.Before(qc.LastAt) {
		qc.LastAt, qc.LastTotal = ev.At.UTC(), ev.Total
	}
	for _, f := range ev.Filters {
		if dt.Filters == nil {
			dt.Filters = map[string]int{}
		}
		dt.Filters[f]++
	}
}

// loadRecord returns the record of key from cache, else from b, else new.
func loadRecord[T any](b *bolt.Bucket, cache map[string]*T, key string, fresh func() *T) (*T, error) {
	if v, ok := cache[key]; ok {
		return v, nil
	}
	v := fresh()
	if raw := b.Get([]byte(key)); raw != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return nil, err
		}
	}
	cache[key] = v
	return v, nil
}

// SearchStats implements catalog.SearchLog.
func (s *Store) SearchStats(ctx context.Context, from, to time.Time) (catalog.SearchStats, error) {
	out := catalog.SearchStats{Queries: []catalog.QueryStats{}, Clicks: []int{}, Filters: map[string]int{}}
	if err := ctx.Err(); err != nil {
		return out, err
	}
	first, last := []byte(dayKey(from)), []byte(dayKey(to)+"\x01")
	queries := map[string]*catalog.QueryStats{}
	lastAt := map[string]time.Time{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSearchStats())
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(first); k != nil && bytes.Compare(k, last) < 0; k, v = c.Next() {
			if i := bytes.Index(k, []byte("\x00q\x00")); i >= 0 {
				var qc queryCounts
				if err := qc.unmarshal(v); err != nil {
					return err
				}
				q := string(k[i+3:])
				qs := queries[q]
				if qs == nil {
					qs = &catalog.QueryStats{Query: q}
					queries[q] = qs
				}
				qs.Searches += qc.Searches
				qs.ZeroResults += qc.Zero
				qs.Clicks += qc.Clicks
				if qc.Searches > 0 && !qc.LastAt.Before(lastAt[q]) {
					lastAt[q], qs.LastTotal = qc.LastAt, qc.LastTotal
				}
				continue
			}
			var dt dayTotals
			if err := json.Unmarshal(v, &dt); err != nil {
				return err
			}
			out.Searches += dt.Searches
			out.ZeroResults += dt.Zero
			for len(out.Clicks) < len(dt.Clicks) {
				out.Clicks = append(out.Clicks, 0)
			}
			for i, n := range dt.Clicks {
				out.Clicks[i] += n
			}
			for f, n := range dt.Filters {
				out.Filters[f] += n
			}
		}
		return nil
	})
	if err != nil {
		return out, internal(err, "read search analytics")
	}
	out.Queries = catalog.SortedQueries(queries)
	return out, nil
}

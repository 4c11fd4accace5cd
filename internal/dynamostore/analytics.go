package dynamostore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

var _ catalog.SearchLog = (*Store)(nil)

// Search analytics items (see the package doc): counts per UTC day, in
// one partition per month, so that a period of a few weeks is one or two
// Queries on a sort key range:
//
//	day totals   pk "A#{YYYY-MM}"  sk "{YYYY-MM-DD}#T"          s, z (N), c{position} (N), f:{filter} (N)
//	query counts pk "A#{YYYY-MM}"  sk "{YYYY-MM-DD}#Q#{query}"  s, z, c (N), lt (N, last total), la (N, its unix ns)
//
// Every count is an UpdateItem ADD, so concurrent writers never lose a
// count and a batch needs no read.
const (
	analyticsPKPrefix = "A#"
	analyticsTotals   = "#T"
	analyticsQuery    = "#Q#"

	attrSearches  = "s"
	attrZero      = "z"
	attrClicks    = "c" // a query's clicks; on a day's totals, the prefix of c1..c100
	attrLastTotal = "lt"
	attrLastAt    = "la"
	attrFilter    = "f:" // prefix of a filter's count on a day's totals
)

// analyticsKey is one item's key: the month's partition and the sort key.
type analyticsKey struct{ pk, sk string }

// dayTotals and queryCounts are what one batch adds to one item.
type dayTotals struct {
	searches, zero int
	clicks         map[int]int
	filters        map[string]int
}

type queryCounts struct {
	searches, zero, clicks int
	lastTotal              int
	lastAt                 time.Time // zero: the batch has no search of the query
}

func analyticsDay(t time.Time) (month, day string) {
	d := t.UTC().Format(time.DateOnly)
	return d[:7], d
}

// AddSearchEvents implements catalog.SearchLog: the batch is summed in
// memory first, then each distinct item (a day's totals, a day's query)
// gets one UpdateItem that ADDs its counts, up to Options.Concurrency at
// once. A query's last total is set in the same request on the condition
// that the stored one is older; when it is not (a late batch), the counts
// are added again without it. An error may leave part of the batch
// counted.
func (s *Store) AddSearchEvents(ctx context.Context, events []catalog.SearchEvent) error {
	if len(events) == 0 {
		return nil
	}
	totals := map[analyticsKey]*dayTotals{}
	queries := map[analyticsKey]*queryCounts{}
	for _, ev := range events {
		if ev.Query == "" || ev.Position < 0 || ev.Position > catalog.MaxClickPosition {
			continue
		}
		month, day := analyticsDay(ev.At)
		tk := analyticsKey{analyticsPKPrefix + month, day + analyticsTotals}
		dt := totals[tk]
		if dt == nil {
			dt = &dayTotals{clicks: map[int]int{}, filters: map[string]int{}}
			totals[tk] = dt
		}
		qk := analyticsKey{analyticsPKPrefix + month, day + analyticsQuery + ev.Query}
		qc := queries[qk]
		if qc == nil {
			qc = &queryCounts{}
			queries[qk] = qc
		}
		if ev.Position > 0 {
			dt.clicks[ev.Position]++
			qc.clicks++
			continue
		}
		dt.searches++
		qc.searches++
		if ev.Total == 0 {
			dt.zero++
			qc.zero++
		}
		for _, f := range ev.Filters {
			dt.filters[f]++
		}
		if qc.lastAt.IsZero() || !ev.At.Before(qc.lastAt) {
			qc.lastAt, qc.lastTotal = ev.At.UTC(), ev.Total
		}
	}
	var updates []countUpdate
	for k, dt := range totals {
		updates = append(updates, s.totalsUpdate(k, dt))
	}
	for k, qc := range queries {
		updates = append(updates, s.queryUpdate(k, qc))
	}
	return s.runUpdates(ctx, updates)
}

// countUpdate is the UpdateItem of one item; fallback, when set, is the
// same counts without the condition and what it guards (a query's last
// total), sent when the condition fails.
type countUpdate struct {
	in, fallback *dynamodb.UpdateItemInput
}

// runUpdates sends the updates, Options.Concurrency at a time, and
// returns the first error.
func (s *Store) runUpdates(ctx context.Context, updates []countUpdate) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Concurrency)
	for _, u := range updates {
		g.Go(func() error {
			_, err := s.db.UpdateItem(ctx, u.in)
			if u.fallback != nil && isConditionFailed(err) {
				_, err = s.db.UpdateItem(ctx, u.fallback)
			}
			return err
		})
	}
	return translate(g.Wait(), "record search analytics")
}

// counts collects the ADD and SET clauses of one UpdateItem.
type counts struct {
	names  map[string]string
	values map[string]types.AttributeValue
	adds   []string
	sets   []string
}

func newCounts() *counts {
	return &counts{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// add adds n (when not 0) to the number attribute attr.
func (c *counts) add(attr string, n int) {
	if n == 0 {
		return
	}
	i := strconv.Itoa(len(c.adds))
	c.names["#a"+i] = attr
	c.values[":a"+i] = number(int64(n))
	c.adds = append(c.adds, "#a"+i+" :a"+i)
}

// set sets the attribute attr to the number n.
func (c *counts) set(attr string, n int64) {
	i := strconv.Itoa(len(c.sets))
	c.names["#s"+i] = attr
	c.values[":s"+i] = number(n)
	c.sets = append(c.sets, "#s"+i+" = :s"+i)
}

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// input returns the UpdateItem of key k, the item of the UTC day day:
// the counts, and the expiry when Options.HistoryTTL is set (the end of
// the day plus HistoryTTL).
func (s *Store) input(k analyticsKey, day string, c *counts) *dynamodb.UpdateItemInput {
	if s.opts.HistoryTTL > 0 {
		d, _ := time.Parse(time.DateOnly, day) // day is analyticsDay's
		c.set(attrTTL, d.Add(24*time.Hour).Add(s.opts.HistoryTTL).Unix())
	}
	var expr []string
	if len(c.sets) > 0 {
		expr = append(expr, "SET "+strings.Join(c.sets, ", "))
	}
	if len(c.adds) > 0 {
		expr = append(expr, "ADD "+strings.Join(c.adds, ", "))
	}
	return &dynamodb.UpdateItemInput{
		TableName: aws.String(s.table),
		Key: map[string]types.AttributeValue{
			attrPK: &types.AttributeValueMemberS{Value: k.pk},
			attrSK: &types.AttributeValueMemberS{Value: k.sk},
		},
		UpdateExpression:          aws.String(strings.Join(expr, " ")),
		ExpressionAttributeNames:  c.names,
		ExpressionAttributeValues: c.values,
	}
}

func (s *Store) totalsUpdate(k analyticsKey, dt *dayTotals) countUpdate {
	c := newCounts()
	c.add(attrSearches, dt.searches)
	c.add(attrZero, dt.zero)
	for p, n := range dt.clicks {
		c.add(attrClicks+strconv.Itoa(p), n)
	}
	for f, n := range dt.filters {
		c.add(attrFilter+f, n)
	}
	return countUpdate{in: s.input(k, strings.TrimSuffix(k.sk, analyticsTotals), c)}
}

// queryUpdate adds a query's counts of a day; with a search in the batch,
// it also sets the query's last total, on the condition that the stored
// one is not newer.
func (s *Store) queryUpdate(k analyticsKey, qc *queryCounts) countUpdate {
	day, _, _ := strings.Cut(k.sk, analyticsQuery)
	build := func(withLast bool) *dynamodb.UpdateItemInput {
		c := newCounts()
		c.add(attrSearches, qc.searches)
		c.add(attrZero, qc.zero)
		c.add(attrClicks, qc.clicks)
		if !withLast {
			return s.input(k, day, c)
		}
		c.set(attrLastTotal, int64(qc.lastTotal))
		c.set(attrLastAt, qc.lastAt.UnixNano())
		c.names["#la"] = attrLastAt
		c.values[":la"] = number(qc.lastAt.UnixNano())
		in := s.input(k, day, c)
		in.ConditionExpression = aws.String("attribute_not_exists(#la) OR #la <= :la")
		return in
	}
	if qc.lastAt.IsZero() {
		return countUpdate{in: build(false)}
	}
	return countUpdate{in: build(true), fallback: build(false)}
}

// SearchStats implements catalog.SearchLog: one Query per month of the
// period (a sort key range of its days), Options.Concurrency at once.
// With Options.HistoryTTL, the days before the oldest that can still be
// stored are not read.
func (s *Store) SearchStats(ctx context.Context, from, to time.Time) (catalog.SearchStats, error) {
	out := catalog.SearchStats{Queries: []catalog.QueryStats{}, Clicks: []int{}, Filters: map[string]int{}}
	from, to = from.UTC(), to.UTC()
	if s.opts.HistoryTTL > 0 {
		if oldest := s.opts.Clock().UTC().Add(-s.opts.HistoryTTL - 24*time.Hour); from.Before(oldest) {
			from = oldest
		}
	}
	if from.After(to) {
		return out, nil
	}
	_, first := analyticsDay(from)
	_, last := analyticsDay(to)
	var months []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		months = append(months, m.Format("2006-01"))
	}
	items := make([][]map[string]types.AttributeValue, len(months))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(s.opts.Concurrency)
	for i, month := range months {
		g.Go(func() error {
			return s.query(gctx, &dynamodb.QueryInput{
				TableName:                aws.String(s.table),
				KeyConditionExpression:   aws.String("#pk = :pk AND #sk BETWEEN :first AND :last"),
				ExpressionAttributeNames: map[string]string{"#pk": attrPK, "#sk": attrSK},
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk":    &types.AttributeValueMemberS{Value: analyticsPKPrefix + month},
					":first": &types.AttributeValueMemberS{Value: first + "#"},
					// '$' follows '#': every item of the last day is below.
					":last": &types.AttributeValueMemberS{Value: last + "$"},
				},
				ConsistentRead: aws.Bool(true),
			}, 0, func(item map[string]types.AttributeValue) error {
				items[i] = append(items[i], item)
				return nil
			})
		})
	}
	if err := g.Wait(); err != nil {
		return out, translate(err, "read search analytics")
	}
	sumStats(&out, items)
	return out, nil
}

// sumStats adds the items of the period's months into out.
func sumStats(out *catalog.SearchStats, months [][]map[string]types.AttributeValue) {
	queries := map[string]*catalog.QueryStats{}
	lastAt := map[string]int64{}
	for _, items := range months {
		for _, item := range items {
			sk := str(item, attrSK)
			if _, q, ok := strings.Cut(sk, analyticsQuery); ok {
				qs := queries[q]
				if qs == nil {
					qs = &catalog.QueryStats{Query: q}
					queries[q] = qs
				}
				searches := count(item, attrSearches)
				qs.Searches += searches
				qs.ZeroResults += count(item, attrZero)
				qs.Clicks += count(item, attrClicks)
				if at, ok := integer(item, attrLastAt); searches > 0 && ok && at >= lastAt[q] {
					lastAt[q], qs.LastTotal = at, count(item, attrLastTotal)
				}
				continue
			}
			addTotals(out, item)
		}
	}
	out.Queries = catalog.SortedQueries(queries)
}

// addTotals adds one day's totals item into out.
func addTotals(out *catalog.SearchStats, item map[string]types.AttributeValue) {
	out.Searches += count(item, attrSearches)
	out.ZeroResults += count(item, attrZero)
	for name := range item {
		if f, ok := strings.CutPrefix(name, attrFilter); ok {
			out.Filters[f] += count(item, name)
			continue
		}
		rest, ok := strings.CutPrefix(name, attrClicks)
		if !ok {
			continue
		}
		p, err := strconv.Atoi(rest)
		if err != nil || p < 1 || p > catalog.MaxClickPosition {
			continue
		}
		for len(out.Clicks) < p {
			out.Clicks = append(out.Clicks, 0)
		}
		out.Clicks[p-1] += count(item, name)
	}
}

// integer reads a number attribute.
func integer(item map[string]types.AttributeValue, name string) (int64, bool) {
	n, err := strconv.ParseInt(num(item, name), 10, 64)
	return n, err == nil
}

func count(item map[string]types.AttributeValue, name string) int {
	n, _ := integer(item, name)
	return int(n)
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/benchdoc"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// loadResult is one load phase: clients running the query mix over HTTP
// for a while.
type loadResult struct {
	clients  int
	took     time.Duration
	done     int
	errors   int
	lat      stats
	rssMaxKB int64 // largest resident set seen while it ran
	anonKB   int64 // its anonymous part (heap, stacks) at that moment
	writes   int   // products upserted meanwhile (the write phase)
}

func (l loadResult) rate() float64 { return float64(l.done) / l.took.Seconds() }

// rss reads the process's resident set and its anonymous part, in KiB.
func rss() (total, anon int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			total = v
		case "RssAnon:":
			anon = v
		}
	}
	return total, anon
}

// runLoad runs clients goroutines, each sending the queries in turn
// (starting at its own offset) to the server at base over its own
// keep-alive connection, until d has passed; write, when not nil, runs
// beside them until then and returns how many products it wrote.
func runLoad(ctx context.Context, base string, queries []query, clients int, d time.Duration,
	write func(ctx context.Context) int) loadResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var (
		mu     sync.Mutex
		lat    []time.Duration
		errs   atomic.Int64
		wg     sync.WaitGroup
		res    = loadResult{clients: clients}
		sample = make(chan struct{})
	)
	go func() { // the resident set, every 100 ms
		defer close(sample)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			total, anon := rss()
			if total > res.rssMaxKB {
				res.rssMaxKB, res.anonKB = total, anon
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	var written int
	if write != nil {
		wg.Go(func() { written = write(ctx) })
	}
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			tr := &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr}
			var mine []time.Duration
			for i := c * len(queries) / clients; ctx.Err() == nil; i++ {
				q := queries[i%len(queries)]
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/search?"+q.params.Encode(), nil)
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					_ = resp.Body.Close()
					if err == nil && resp.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if ctx.Err() != nil {
					break // cut by the end of the phase: not counted
				}
				if err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	res.took = time.Since(start)
	<-sample
	res.done, res.errors, res.lat, res.writes = len(lat), int(errs.Load()), percentiles(lat), written
	return res
}

// benchLoad measures the API over HTTP under concurrent clients: one
// client's rate, then clients at once for d (throughput, p99, resident
// set, errors), then the same while changed products are written to the
// index in batches, as the indexer does while a changed catalog ingests.
func benchLoad(ctx context.Context, h http.Handler, idx catalog.Index, queries []query, sample []catalog.Product,
	clients int, d time.Duration, rep *report, log io.Writer) error {
	srv := httptest.NewServer(h)
	defer srv.Close()
	fmt.Fprintf(log, "load: 1 client for %s\n", d/4)
	one := runLoad(ctx, srv.URL, queries, 1, d/4, nil)
	fmt.Fprintf(log, "load: %d clients for %s\n", clients, d)
	many := runLoad(ctx, srv.URL, queries, clients, d, nil)
	fmt.Fprintf(log, "load: %d clients for %s while products are written\n", clients, d)
	round := 0
	writing := runLoad(ctx, srv.URL, queries, clients, d, func(ctx context.Context) int {
		n := 0
		for ctx.Err() == nil {
			round++
			ps := make([]catalog.Product, 0, 500)
			for i := range 500 {
				p := sample[(n+i)%len(sample)]
				p.Version = int64(1 + round)
				p.Name += " " + strconv.Itoa(round)
				ps = append(ps, p)
			}
			if err := idx.Upsert(ctx, ps); err != nil {
				return n
			}
			n += len(ps)
		}
		return n
	})
	cores := runtime.NumCPU()
	ratio := many.rate() / (float64(cores) * one.rate())
	fmt.Fprintf(log, "load: 1 client %.0f/s; %d clients %.0f/s (%.2f of %d cores x 1 client), p99 %s, %d errors; with writes %.0f/s, p50 %s p99 %s, %d written, RSS %d MiB\n",
		one.rate(), clients, many.rate(), ratio, cores, ms(many.lat.p99), many.errors, writing.rate(), ms(writing.lat.p50), ms(writing.lat.p99), writing.writes, writing.rssMaxKB>>10)
	rep.add("")
	rep.add("#### Under load: the API over HTTP (loopback), %d clients", clients)
	rep.add("")
	rep.add("Each client has its own keep-alive connection and sends the same mixed queries back to back. Load average")
	rep.add("after the phases: %s.", benchdoc.LoadAverage(3))
	rep.add("")
	rep.add("| measure | figure | target | |")
	rep.add("|---|---:|---:|---|")
	rep.add("| 1 client, %s: searches/s, p50 / p99 | %.0f/s, %s / %s | baseline | |", one.took.Round(time.Second), one.rate(), ms(one.lat.p50), ms(one.lat.p99))
	rep.add("| %d clients, %s: searches/s, p50 / p99 | %.0f/s, %s / %s | | |", clients, many.took.Round(time.Second), many.rate(), ms(many.lat.p50), ms(many.lat.p99))
	rep.add("| throughput / (%d cores × 1-client rate) | %.2f | ≥ 0.70 | %s |", cores, ratio, benchdoc.MetOrMissed(ratio >= 0.7))
	rep.add("| errors | %d of %d | 0 | %s |", many.errors+writing.errors, many.done+writing.done+many.errors+writing.errors, benchdoc.MetOrMissed(many.errors+writing.errors == 0))
	rep.add("| resident set during the %d-client phase, largest (of it anonymous) | %d MiB (%d MiB) | < 1 GiB | %s |",
		clients, many.rssMaxKB>>10, many.anonKB>>10, benchdoc.MetOrMissed(many.rssMaxKB < 1<<20))
	rep.add("| %d clients while changed products are upserted (batches of 500): p50 / p99 | %s / %s | p99 < 50 ms | %s |",
		clients, ms(writing.lat.p50), ms(writing.lat.p99), benchdoc.MetOrMissed(writing.lat.p99 < 50*time.Millisecond))
	rep.add("| products upserted during that phase | %d (%.0f/s) | | |", writing.writes, float64(writing.writes)/writing.took.Seconds())
	rep.add("| resident set during that phase, largest (of it anonymous) | %d MiB (%d MiB) | < 1 GiB | %s |",
		writing.rssMaxKB>>10, writing.anonKB>>10, benchdoc.MetOrMissed(writing.rssMaxKB < 1<<20))
	return nil
}

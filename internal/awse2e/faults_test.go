package awse2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// faultyOpenSearch is a reverse proxy in front of the real node that
// answers the first _bulk requests with the statuses in faults (0: pass
// through), the way a throttled domain does, and calls onBulk before
// forwarding a bulk request.
type faultyOpenSearch struct {
	srv      *httptest.Server
	mu       sync.Mutex
	faults   []int
	injected map[int]int
	bulks    atomic.Int64
	onBulk   func(n int64)
}

func newFaultyOpenSearch(t *testing.T, faults ...int) *faultyOpenSearch {
	target, err := url.Parse(env.openSearch)
	if err != nil {
		t.Fatal(err)
	}
	f := &faultyOpenSearch{faults: faults, injected: map[int]int{}}
	proxy := httputil.NewSingleHostReverseProxy(target)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/_bulk") {
			n := f.bulks.Add(1)
			if f.onBulk != nil {
				f.onBulk(n)
			}
			f.mu.Lock()
			status := 0
			if len(f.faults) > 0 {
				status, f.faults = f.faults[0], f.faults[1:]
			}
			if status != 0 {
				f.injected[status]++
			}
			f.mu.Unlock()
			if status != 0 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				fmt.Fprintf(w, `{"error":{"type":"injected","reason":"injected %d"},"status":%d}`, status, status)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// TestSameEventTwiceConcurrently delivers one S3 notification twice, at the
// same time, to two ingest instances: one ingest happens, and after the
// redelivery of the one that found it in progress, the state is the same.
func TestSameEventTwiceConcurrently(t *testing.T) {
	st := newStack(t)
	st.upload("incoming/acme/twice.csv", catalogCSV(0, 300, nil, nil))
	ev := st.receive(1)
	second, err := awstest.StartLambda(t.Context(), env.binaries["ingest"], st.lambdaEnv)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Stop()
	first := st.lambda("ingest")
	var wg sync.WaitGroup
	resps := make([]events.SQSEventResponse, 2)
	errs := make([]error, 2)
	for i, l := range []*awstest.Lambda{first, second} {
		wg.Go(func() {
			errs[i] = l.Invoke(t.Context(), ev, &resps[i])
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	// The delivery that found the file in progress asks for a redelivery;
	// SQS makes it after the visibility timeout, by then the first is done.
	for i, r := range resps {
		if len(r.BatchItemFailures) > 0 {
			var again events.SQSEventResponse
			if err := first.Invoke(t.Context(), ev, &again); err != nil || len(again.BatchItemFailures) != 0 {
				t.Fatalf("redelivery %d: %v %+v", i, err, again)
			}
		}
	}
	cats, err := st.store.ListCatalogs(t.Context(), "acme", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cats) != 1 || cats[0].Status != catalog.StatusDone || cats[0].Report.Created != 300 {
		t.Fatalf("catalogs after a double delivery: %+v", cats)
	}
	ids := st.storeIDs("acme")
	for id, p := range ids {
		if p.Version != 1 {
			t.Fatalf("%s has version %d: the file was ingested twice", id, p.Version)
		}
	}
	if failed := st.indexRecords(st.streamRecords(), 100); len(failed) != 0 {
		t.Fatalf("indexer failures %v", failed)
	}
	if n := st.indexCount(); n != 300 || len(ids) != 300 {
		t.Fatalf("store %d, index %d, want 300 and 300", len(ids), n)
	}
}

// TestPoisonStreamRecord: one unreadable record in a batch is reported as
// the batch's failure (Lambda retries from it, bisecting, then sends it to
// the on-failure destination); every other record is indexed.
func TestPoisonStreamRecord(t *testing.T) {
	st := newStack(t)
	st.upload("incoming/acme/p.csv", catalogCSV(0, 40, nil, nil))
	st.ingest(st.receive(1))
	recs := st.streamRecords()
	var poisoned events.DynamoDBEventRecord
	n := 0
	for i := range recs {
		if recs[i].EventName == "INSERT" && strings.HasPrefix(recs[i].Change.Keys[contract.TablePartitionKey].String(), "P#") {
			n++
			if n == 17 { // a product record in the middle of the batch
				recs[i].Change.NewImage["doc"] = events.NewStringAttribute(`{"id":"truncated`)
				poisoned = recs[i]
			}
		}
	}
	failed := st.indexRecords(recs, len(recs))
	if len(failed) != 1 || failed[0] != poisoned.Change.SequenceNumber {
		t.Fatalf("failures %v, want only the poison record %s", failed, poisoned.Change.SequenceNumber)
	}
	if got := st.indexCount(); got != 39 {
		t.Fatalf("index holds %d documents, want the 39 readable ones", got)
	}
	// Lambda retries from the reported record: still reported, nothing else changes.
	var from int
	for i := range recs {
		if recs[i].Change.SequenceNumber == poisoned.Change.SequenceNumber {
			from = i
		}
	}
	if failed := st.indexRecords(recs[from:], len(recs)); len(failed) != 1 || failed[0] != poisoned.Change.SequenceNumber {
		t.Fatalf("retry failures %v", failed)
	}
	if got := st.indexCount(); got != 39 {
		t.Fatalf("after the retry the index holds %d documents, want 39", got)
	}
	if log := st.lambdas["indexer"].Log(); !strings.Contains(log, "poison stream record") || !strings.Contains(log, poisoned.Change.SequenceNumber) {
		t.Fatalf("the poison record is not in the indexer's log:\n%s", tail(log, 2000))
	}
}

// TestOpenSearchThrottlingDuringBulk: the domain answers 429 and 503 to
// bulk requests; the indexer retries with backoff and loses nothing.
func TestOpenSearchThrottlingDuringBulk(t *testing.T) {
	st := newStack(t)
	faulty := newFaultyOpenSearch(t, 429, 503, 429, 0, 503, 429)
	st.lambdaEnv = append(st.lambdaEnv, contract.EnvOpenSearchEndpoint+"="+faulty.srv.URL)
	st.upload("incoming/acme/t.csv", catalogCSV(0, 120, nil, nil))
	st.ingest(st.receive(1))
	if failed := st.indexRecords(st.streamRecords(), 25); len(failed) != 0 {
		t.Fatalf("indexer failures %v under throttling", failed)
	}
	faulty.mu.Lock()
	injected := fmt.Sprint(faulty.injected)
	left := len(faulty.faults)
	faulty.mu.Unlock()
	if left != 0 {
		t.Fatalf("only part of the faults were injected (%s, %d left): the test proves nothing", injected, left)
	}
	if got, want := st.indexCount(), len(st.storeIDs("acme")); got != want || want != 120 {
		t.Fatalf("index %d, store %d after throttling (injected %s)", got, want, injected)
	}
}

// TestIndexerKilledMidBatchAndReplayed: the indexer dies while sending a
// batch (after its first bulk request reached OpenSearch); the batch is
// replayed by a new instance, then an old part of the stream is replayed
// again: no document rolls back to an older version.
func TestIndexerKilledMidBatchAndReplayed(t *testing.T) {
	st := newStack(t)
	st.upload("incoming/acme/k.csv", catalogCSV(0, 60, nil, nil))
	st.ingest(st.receive(1))
	v1 := st.streamRecords()
	st.indexRecords(v1, len(v1))
	// Version 2 of every product: a changed file.
	st.upload("incoming/acme/k.csv", catalogCSV(0, 60, nil, keys(0, 60)))
	st.ingest(st.receive(1))
	v2 := st.streamRecords()

	faulty := newFaultyOpenSearch(t)
	st.lambdaEnv = append(st.lambdaEnv, contract.EnvOpenSearchEndpoint+"="+faulty.srv.URL)
	doomed, err := awstest.StartLambda(t.Context(), env.binaries["indexer"], st.lambdaEnv)
	if err != nil {
		t.Fatal(err)
	}
	faulty.onBulk = func(int64) { go doomed.Kill() }
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := doomed.Invoke(ctx, events.DynamoDBEvent{Records: v2}, nil); err == nil {
		t.Fatal("the killed indexer answered as if it had finished")
	}
	faulty.onBulk = nil
	// Replay: the whole batch, then the old version-1 records once more.
	if failed := st.indexRecords(v2, len(v2)); len(failed) != 0 {
		t.Fatalf("replay failures %v", failed)
	}
	if failed := st.indexRecords(v1, len(v1)); len(failed) != 0 {
		t.Fatalf("old replay failures %v", failed)
	}
	if err := st.index.Refresh(t.Context()); err != nil {
		t.Fatal(err)
	}
	stored := st.storeIDs("acme")
	q := catalog.Query{Size: 100}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	res, err := st.index.Search(t.Context(), q)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 60 {
		t.Fatalf("index holds %d documents, want 60", len(res.Hits))
	}
	for _, h := range res.Hits {
		if s := stored[h.Product.ID]; h.Product.Version != s.Version || h.Product.Version != 2 || !strings.Contains(h.Product.Name, "Tabouret") {
			t.Fatalf("%s indexed at version %d (%q), stored at %d: rolled back", h.Product.ID, h.Product.Version, h.Product.Name, s.Version)
		}
	}
}

// TestIngestInterruptedAndRetried: the ingest Lambda dies mid-file; the
// message comes back; once the interrupted run counts as stale, the retry
// ingests the whole file and the counts match.
func TestIngestInterruptedAndRetried(t *testing.T) {
	st := newStack(t)
	const rows = 2000
	st.upload("incoming/acme/big.csv", catalogCSV(0, rows, nil, nil))
	ev := st.receive(1)
	doomed, err := awstest.StartLambda(t.Context(), env.binaries["ingest"], st.lambdaEnv)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- doomed.Invoke(t.Context(), ev, nil) }()
	partial := 0
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if partial = len(st.storeIDs("acme")); partial > 0 {
			break
		}
	}
	doomed.Kill()
	t.Logf("the killed invocation answered: %v", <-done)
	if partial == 0 || partial >= rows {
		t.Fatalf("the ingest was not interrupted mid-file (%d of %d products written)", partial, rows)
	}
	cats, err := st.store.ListCatalogs(t.Context(), "acme", 1)
	if err != nil || len(cats) != 1 || cats[0].Status != catalog.StatusProcessing {
		t.Fatalf("catalog after the crash: %+v %v", cats, err)
	}
	// The redelivery finds the run in progress and asks to come back.
	if resp := st.ingest(ev); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("redelivery while the crashed run is fresh: %+v", resp)
	}
	// Time passes: the record of the crashed run becomes stale. (The test
	// moves its receive time back rather than waiting ingest.StaleAfter.)
	c := cats[0]
	c.ReceivedAt = c.ReceivedAt.Add(-20 * time.Minute)
	if err := st.store.PutCatalog(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if resp := st.ingest(ev); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("retry after the crash: %+v", resp)
	}
	got, err := st.store.GetCatalog(t.Context(), c.ID)
	if err != nil || got.Status != catalog.StatusDone || got.Report.Rows != rows || got.Report.Accepted != rows {
		t.Fatalf("catalog after the retry: %+v %v", got, err)
	}
	if n := len(st.storeIDs("acme")); n != rows {
		t.Fatalf("store holds %d products, want %d", n, rows)
	}
	if failed := st.indexRecords(st.streamRecords(), 100); len(failed) != 0 {
		t.Fatalf("indexer failures %v", failed)
	}
	if n := st.indexCount(); n != rows {
		t.Fatalf("index holds %d documents, want %d", n, rows)
	}
}

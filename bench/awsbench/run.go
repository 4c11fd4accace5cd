package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/benchdoc"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
)

// Figures of issue 15's model.
const (
	// tableWCU is the write units a second a newly created on-demand
	// DynamoDB table sustains (AWS's documented initial throughput).
	tableWCU = 4000
	// maxInvocation is the longest a single invocation may run.
	maxInvocation = 60 * time.Second
	// lambdaTimeout is Lambda's longest function timeout.
	lambdaTimeout = 900 * time.Second
	// partner is the partner id of the generated catalogs.
	partner = "bench"
)

// config is the command's flags.
type config struct {
	rows        []int
	k           int
	chunk       int
	batch       int
	latency     time.Duration
	jitter      time.Duration
	timeout     time.Duration // the function timeout under the emulator
	maxRecv     int
	modes       []string
	out         string
	pollEvery   time.Duration
	quiet       time.Duration
	lambdaLogs  string
	singlesLast bool
	// wcu is the model table's write throughput (LatencyProxy's write
	// limit); 0: none, moto's speed is the only limit.
	wcu float64
}

// rowsFlag collects -n: a comma-separated list, repeatable.
type rowsFlag struct {
	set  bool
	rows []int
}

func (f *rowsFlag) String() string { return fmt.Sprint(f.rows) }

func (f *rowsFlag) Set(v string) error {
	if !f.set {
		f.rows, f.set = nil, true
	}
	for part := range strings.SplitSeq(v, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n <= 0 {
			return fmt.Errorf("bad row count %q", part)
		}
		f.rows = append(f.rows, n)
	}
	return nil
}

// Run is the command; it returns the exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("awsbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rows := &rowsFlag{rows: []int{100_000, 250_000}}
	fs.Var(rows, "n", "rows of the generated catalogs: a comma-separated list, repeatable (default 100000,250000)")
	var c config
	fs.IntVar(&c.k, "k", 8, "ingest Lambdas running at once (execution environments under the emulator)")
	fs.IntVar(&c.chunk, "chunk", 25_000, "INGEST_CHUNK_PRODUCTS of the chunked mode")
	fs.IntVar(&c.batch, "batch", 1, "batch size of the ingest queue's event source mapping")
	fs.DurationVar(&c.latency, "latency", 5*time.Millisecond, "latency added to each AWS request")
	fs.DurationVar(&c.jitter, "jitter", 2*time.Millisecond, "half-range of the latency's uniform jitter")
	fs.DurationVar(&c.timeout, "timeout", time.Hour, "the ingest function's timeout under the emulator (above Lambda's 900 s, so that the single mode ends; the report flags an invocation over 900 s)")
	fs.IntVar(&c.maxRecv, "max-receives", 3, "the ingest queue's maxReceiveCount (INGEST_MAX_RECEIVES)")
	modes := fs.String("modes", "single,chunked", "modes to run: single (INGEST_CHUNK_PRODUCTS=0) and/or chunked")
	fs.StringVar(&c.out, "out", "", "write the Markdown section here (default stdout)")
	fs.DurationVar(&c.pollEvery, "poll", 250*time.Millisecond, "the event source mapping's wait after an empty receive")
	fs.DurationVar(&c.quiet, "quiet", 3*time.Second, "how long the queue stays empty before a run is over")
	fs.Float64Var(&c.wcu, "wcu", 0, "the model table's write units a second: writes over it are throttled, batch items over it returned unprocessed, as DynamoDB does (0: no limit but moto's speed); the floor is then the write units at this rate")
	fs.BoolVar(&c.singlesLast, "singles-last", false, "run the single mode of every size but the first after all the other runs")
	fs.StringVar(&c.lambdaLogs, "lambda-logs", "", "append the emulators' logs of failed invocations to this file")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	c.rows = rows.rows
	for m := range strings.SplitSeq(*modes, ",") {
		if m = strings.TrimSpace(m); m != "single" && m != "chunked" {
			fmt.Fprintf(stderr, "awsbench: unknown mode %q\n", m)
			return 2
		}
		c.modes = append(c.modes, strings.TrimSpace(m))
	}
	ctx := context.Background()
	section, err := run(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "awsbench:", err)
		return 1
	}
	if c.out == "" {
		_, _ = io.WriteString(stdout, section)
		return 0
	}
	fmt.Fprintln(stderr, "awsbench: wrote", c.out)
	return 0
}

// write puts the section so far into c.out (after each run, so that a
// long series that breaks keeps what it measured).
func write(c config, section string) error {
	if c.out == "" {
		return nil
	}
	return os.WriteFile(c.out, []byte(section), 0o644) //nolint:gosec // G306: a document of the repository
}

// planned is one run: a size in a mode.
type planned struct {
	rows int
	mode string
}

// plan is the order of the runs: each size in each mode, in turn; with
// -singles-last, the single-mode runs of every size but the first after
// all the others (the slowest last, so that a series cut short by time
// has the chunked figures of every size).
func (c config) plan() []planned {
	var out, later []planned
	for i, n := range c.rows {
		for _, m := range c.modes {
			if c.singlesLast && i > 0 && m == "single" {
				later = append(later, planned{n, m})
				continue
			}
			out = append(out, planned{n, m})
		}
	}
	return append(out, later...)
}

// result is one ingest of one file in one mode.
type result struct {
	rows        int
	mode        string
	status      catalog.Status
	reportRows  int
	products    int
	progress    *catalog.Progress
	wall        time.Duration
	longest     time.Duration
	fileRun     time.Duration // the invocation that read the file (its S3 notification)
	chunkRun    time.Duration // the longest invocation of a chunk message
	lastRun     time.Duration // the invocation that ended last (it finished the catalog)
	invocations int
	errors      int
	deadLetters int
	stats       awstest.Stats // the Lambdas' requests
	polls       awstest.Stats // the event source mapping's
	motoCPU     time.Duration
	loadBefore  string
	loadAfter   string
}

func run(ctx context.Context, c config, log io.Writer) (string, error) {
	tmp, err := os.MkdirTemp("", "awsbench-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintln(log, "awsbench: building the ingest binary")
	bin, err := awstest.BuildLambda(ctx, "ingest", tmp)
	if err != nil {
		return "", err
	}
	if _, err := awstest.RIEBinary(); err != nil {
		return "", err
	}
	moto, err := awstest.StartMoto(ctx)
	if err != nil {
		return "", err
	}
	defer moto.Stop()
	lambdas, err := awstest.StartLatencyProxy(moto.Endpoint, c.latency, c.jitter, 1)
	if err != nil {
		return "", err
	}
	defer lambdas.Close()
	if c.wcu > 0 {
		lambdas.SetWriteLimit(c.wcu)
	}
	esm, err := awstest.StartLatencyProxy(moto.Endpoint, c.latency, c.jitter, 2)
	if err != nil {
		return "", err
	}
	defer esm.Close()
	var results []result
	files := map[int]string{}
	for _, run := range c.plan() {
		n, mode := run.rows, run.mode
		file, ok := files[n]
		if !ok {
			file = filepath.Join(tmp, fmt.Sprintf("catalog-%d.csv", n))
			fmt.Fprintf(log, "awsbench: generating a %d-row CSV\n", n)
			if err := generate(ctx, file, n); err != nil {
				return "", err
			}
			files[n] = file
		}
		fmt.Fprintf(log, "awsbench: %d rows, %s\n", n, mode)
		r, err := ingestOnce(ctx, c, moto, lambdas, esm, bin, file, n, mode)
		if err != nil {
			return "", fmt.Errorf("%d rows, %s: %w", n, mode, err)
		}
		fmt.Fprintf(log, "awsbench: %d rows, %s: %s, %d report rows, %.1f s wall, longest invocation %.1f s, %d invocations, %.0f WCU\n",
			n, mode, r.status, r.reportRows, r.wall.Seconds(), r.longest.Seconds(), r.invocations, r.stats.WCU)
		results = append(results, r)
		if err := write(c, report(c, results)); err != nil {
			return "", err
		}
	}
	return report(c, results), nil
}

func generate(ctx context.Context, path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = demogen.Write(ctx, f, demogen.FormatCSV, demogen.Options{Seed: 42, Rows: n, Headers: demogen.HeadersCanonical, DefectRate: 0.01, Partner: partner})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ingestOnce runs one ingest of file on a fresh moto: the file is put
// under incoming/, its notification is on the ingest queue, and the driver
// runs the ingest Lambdas until the queue is quiet.
func ingestOnce(ctx context.Context, c config, moto *awstest.Moto, lambdas, esm *awstest.LatencyProxy, bin, file string, n int, mode string) (result, error) {
	r := result{rows: n, mode: mode}
	if err := moto.Reset(ctx); err != nil { // a fresh table, and moto's memory back
		return r, err
	}
	cfg := moto.Config()
	name := fmt.Sprintf("bench%d-%s", n, mode)
	st, err := awstest.NewIngestStack(ctx, cfg, name)
	if err != nil {
		return r, err
	}
	chunk := 0
	if mode == "chunked" {
		chunk = c.chunk
	}
	env := append(st.LambdaEnv(lambdas.Endpoint),
		contract.EnvIngestChunkProducts+"="+strconv.Itoa(chunk),
		contract.EnvIngestMaxReceives+"="+strconv.Itoa(c.maxRecv),
		contract.EnvUploadMaxBytes+"="+strconv.Itoa(4<<30),
		contract.EnvLogLevel+"=warn",
		"AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(int(c.timeout.Seconds())),
	)
	f, err := os.Open(file)
	if err != nil {
		return r, err
	}
	defer f.Close()
	// The partner's upload goes straight to moto: it is not the ingest's work.
	_, err = awstest.S3Client(cfg).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(st.Bucket),
		Key: aws.String(contract.IncomingPrefix + partner + "/catalog.csv"), Body: f})
	if err != nil {
		return r, err
	}
	var failedLogs strings.Builder
	var kindsMu sync.Mutex
	kinds := map[string]string{} // message id -> "file", "chunk" or "other"
	d := &awstest.QueueDriver{
		BeforeInvoke: func(ev events.SQSEvent, _ *awstest.Lambda) {
			kindsMu.Lock()
			defer kindsMu.Unlock()
			for _, m := range ev.Records {
				switch {
				case strings.Contains(m.Body, `"ingest_chunk"`):
					kinds[m.MessageId] = "chunk"
				case strings.Contains(m.Body, "ObjectCreated"):
					kinds[m.MessageId] = "file"
				default:
					kinds[m.MessageId] = "other"
				}
			}
		},
		SQS: sqs.NewFromConfig(awstest.Config(esm.Endpoint)), QueueURL: st.QueueURL, QueueARN: st.QueueARN,
		Start:       func(ctx context.Context) (*awstest.Lambda, error) { return awstest.StartLambda(ctx, bin, env) },
		Concurrency: c.k, BatchSize: c.batch, VisibilityTimeout: int(c.timeout.Seconds()) + 30, MaxReceives: c.maxRecv,
		Quiet: c.quiet, PollInterval: c.pollEvery,
	}
	lambdas.Reset()
	esm.Reset()
	cpu0, err := moto.CPUTime()
	if err != nil {
		return r, err
	}
	r.loadBefore = benchdoc.LoadAverage(1)
	res, err := d.Run(ctx)
	if err != nil {
		return r, err
	}
	r.loadAfter = benchdoc.LoadAverage(1)
	cpu1, err := moto.CPUTime()
	if err != nil {
		return r, err
	}
	r.motoCPU = cpu1 - cpu0
	r.stats, r.polls = lambdas.Stats(), esm.Stats()
	r.wall, r.longest, r.invocations, r.errors, r.deadLetters = res.Wall(), res.Longest().Duration, len(res.Invocations), res.Errors(), len(res.DeadLetters)
	var lastEnd time.Time
	for _, inv := range res.Invocations {
		if end := inv.Start.Add(inv.Duration); end.After(lastEnd) {
			lastEnd, r.lastRun = end, inv.Duration
		}
		for _, id := range inv.MessageIDs {
			switch kinds[id] {
			case "file":
				r.fileRun = max(r.fileRun, inv.Duration)
			case "chunk":
				r.chunkRun = max(r.chunkRun, inv.Duration)
			}
		}
		if inv.Err != nil {
			fmt.Fprintf(&failedLogs, "invocation of %v (receive counts %v) failed after %v: %v\n", inv.MessageIDs, inv.ReceiveCounts, inv.Duration, inv.Err)
		}
	}
	if failedLogs.Len() > 0 && c.lambdaLogs != "" {
		_ = appendFile(c.lambdaLogs, failedLogs.String())
	}
	store := dynamostore.New(dynamodb.NewFromConfig(cfg), st.Table, dynamostore.Options{})
	cs, err := store.ListCatalogs(ctx, partner, 1)
	if err != nil {
		return r, err
	}
	if len(cs) == 0 {
		r.status = "none"
		return r, nil
	}
	r.status, r.progress = cs[0].Status, cs[0].Progress
	if rep := cs[0].Report; rep != nil {
		r.reportRows, r.products = rep.Rows, rep.Products
	}
	return r, nil
}

func appendFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644) //nolint:gosec // G302/G304: the tester's log file
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// floorWCU is the write throughput of the floor: the model table's limit
// when there is one, else a new on-demand table's.
func (c config) floorWCU() float64 {
	if c.wcu > 0 {
		return c.wcu
	}
	return tableWCU
}

// report writes the Markdown section.
func report(c config, results []result) string {
	var b strings.Builder
	if c.wcu > 0 {
		fmt.Fprintf(&b, "## Ingest on the AWS path at the table's throughput (%g WCU/s, a 1/%.0f scale model of a new table)\n\n", c.wcu, tableWCU/c.wcu)
	} else {
		b.WriteString("## Ingest on the AWS path: one invocation against chunks\n\n")
	}
	extra := map[bool]string{true: " -singles-last"}[c.singlesLast]
	floorText := fmt.Sprintf("Floor: the estimated write units at the %d WCU/s a new on-demand table sustains.", tableWCU)
	if c.wcu > 0 {
		extra += fmt.Sprintf(" -wcu %g", c.wcu)
		floorText = fmt.Sprintf("The model table takes %g write units a second (LatencyProxy.SetWriteLimit: a token bucket of one second; a put, delete or batch write over it "+
			"is answered with DynamoDB's ProvisionedThroughputExceededException, not forwarded, and a batch write's items over it come back unprocessed, as DynamoDB does; the ingest's store retries both), a scale model of a new on-demand "+
			"table's %d, below what moto sustains here, so that the table, not moto, is the limit. Floor: the estimated write units at %g WCU/s.", c.wcu, tableWCU, c.wcu)
	}
	out := c.out
	if out == "" {
		out = "docs/bench/aws-ingest.md"
	}
	fmt.Fprintf(&b, "Reproduce: `go run ./bench/awsbench -n %s -k %d -chunk %d%s -out %s` (`make bench-aws-ingest` runs it with its defaults). "+
		"The measured model of issue 15, since there is no AWS account here: moto_server plays S3, SQS and DynamoDB; "+
		"a proxy in front of it (awstest.LatencyProxy) holds every request of the Lambdas %v ± %v (uniform) and counts them by operation, "+
		"with the DynamoDB write units each successful write would consume (1 per started KB of the item sent, twice in a transaction; moto meters none). "+
		"The real ingest binary runs under the Lambda Runtime Interface Emulator, %d execution environments at once, fed from the ingest queue by "+
		"awstest.QueueDriver as the event source mapping would (batch size %d, maxReceiveCount %d, the function timeout raised to %v so that the single mode can end: Lambda's limit is 900 s, and an invocation over it is flagged); its polls go through a second proxy with the same latency "+
		"and are counted apart. A generated CSV (internal/demogen, canonical headers, 1%% defective rows) is put under incoming/ and its S3 notification "+
		"starts the ingest, once with `INGEST_CHUNK_PRODUCTS=0` (single: the whole file in one invocation, today's design) and once with "+
		"`INGEST_CHUNK_PRODUCTS=%d` (chunked), each into a fresh table. Wall time runs from the notification's first poll to the end of the last invocation "+
		"(the catalog is then done); indexing is not part of it. %s "+
		"%d CPUs visible to Go, %s; moto is one Python process (about one core at most): its CPU time next to the wall time shows when it, not the design, was the limit.\n\n",
		joinInts(c.rows), c.k, c.chunk, extra, out, c.latency, c.jitter, c.k, c.batch, c.maxRecv, c.timeout, c.chunk, floorText, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "| rows | mode | catalog | report rows | wall to done | longest invocation (≤ 60 s) | file's run / longest chunk's / last | invocations (failed) | est. WCU | WCU/s | floor (WCU / %g/s) | wall / floor | moto CPU | load avg |\n", c.floorWCU())
	b.WriteString("|---:|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range results {
		floor := r.stats.WCU / c.floorWCU()
		ok := r.status == catalog.StatusDone && r.reportRows == r.rows
		status := string(r.status)
		if r.progress != nil {
			status += fmt.Sprintf(" (%d/%d chunks)", r.progress.ChunksDone, r.progress.ChunksTotal)
		}
		longest := benchdoc.MetOrMissed(r.longest <= maxInvocation)
		if r.longest > lambdaTimeout {
			longest += ", over Lambda's 900 s limit"
		}
		fmt.Fprintf(&b, "| %d | %s | %s %s | %d | %.1f s | %.1f s %s | %.1f / %.1f / %.1f s | %d (%d) | %.0f | %.0f | %.1f s | %.1fx | %.1f s | %s → %s |\n",
			r.rows, r.mode, status, benchdoc.MetOrMissed(ok), r.reportRows, r.wall.Seconds(), r.longest.Seconds(), longest, r.fileRun.Seconds(), r.chunkRun.Seconds(), r.lastRun.Seconds(),
			r.invocations, r.errors, r.stats.WCU, r.stats.WCU/r.wall.Seconds(), floor, r.wall.Seconds()/floor, r.motoCPU.Seconds(), r.loadBefore, r.loadAfter)
	}
	b.WriteString("\n")
	ratios(&b, results)
	growth(&b, results)
	b.WriteString("Requests by operation (the Lambdas' own; the event source mapping's polls apart):\n\n")
	b.WriteString("| rows | mode | requests | by operation | DynamoDB writes: items, est. WCU | throttled | polls (ReceiveMessage, DeleteMessageBatch, GetQueueAttributes) |\n|---:|---|---:|---|---|---|---|\n")
	for _, r := range results {
		throttled := []string{}
		for _, op := range slices.Sorted(maps.Keys(r.stats.Throttled)) {
			throttled = append(throttled, fmt.Sprintf("%s %d", op, r.stats.Throttled[op]))
		}
		if r.stats.Unprocessed > 0 {
			throttled = append(throttled, fmt.Sprintf("batch items returned unprocessed %d", r.stats.Unprocessed))
		}
		fmt.Fprintf(&b, "| %d | %s | %d | %s | %s | %s | %s |\n", r.rows, r.mode, r.stats.Total(), strings.Join(r.stats.Ops(), ", "),
			strings.Join(r.stats.Writes(), "; "), strings.Join(throttled, ", "), strings.Join(r.polls.Ops(), ", "))
	}
	b.WriteString("\n")
	return b.String()
}

// ratios writes, per size run in both modes, chunked / single.
func ratios(b *strings.Builder, results []result) {
	byRows := map[int]map[string]result{}
	var order []int
	for _, r := range results {
		if byRows[r.rows] == nil {
			byRows[r.rows] = map[string]result{}
			order = append(order, r.rows)
		}
		byRows[r.rows][r.mode] = r
	}
	wrote := false
	for _, n := range order {
		s, ok1 := byRows[n]["single"]
		ch, ok2 := byRows[n]["chunked"]
		if !ok1 || !ok2 {
			continue
		}
		fmt.Fprintf(b, "- %d rows: chunked / single wall time %.2f, longest invocation %.2f, WCU/s %.2f, write units %.2f.\n",
			n, ch.wall.Seconds()/s.wall.Seconds(), ch.longest.Seconds()/s.longest.Seconds(),
			(ch.stats.WCU/ch.wall.Seconds())/(s.stats.WCU/s.wall.Seconds()), ch.stats.WCU/s.stats.WCU)
		wrote = true
	}
	if wrote {
		b.WriteString("\n")
	}
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// growth writes, per mode run at several sizes, the wall time and the
// longest invocation per 1,000 rows at each size: linear growth keeps the
// first flat; chunks keep the second falling (the longest invocation
// flat in rows).
func growth(b *strings.Builder, results []result) {
	byMode := map[string][]result{}
	var modes []string
	for _, r := range results {
		if byMode[r.mode] == nil {
			modes = append(modes, r.mode)
		}
		byMode[r.mode] = append(byMode[r.mode], r)
	}
	wrote := false
	for _, m := range modes {
		rs := byMode[m]
		if len(rs) < 2 {
			continue
		}
		var wall, longest, motoCPU []string
		for _, r := range rs {
			k := float64(r.rows) / 1000
			wall = append(wall, fmt.Sprintf("%.2f s (%d rows)", r.wall.Seconds()/k, r.rows))
			longest = append(longest, fmt.Sprintf("%.1f s", r.longest.Seconds()))
			motoCPU = append(motoCPU, fmt.Sprintf("%.2f s", r.motoCPU.Seconds()/k))
		}
		fmt.Fprintf(b, "- %s, by size: wall time per 1,000 rows %s; longest invocation %s; moto CPU per 1,000 rows %s.\n",
			m, strings.Join(wall, ", "), strings.Join(longest, ", "), strings.Join(motoCPU, ", "))
		wrote = true
	}
	if wrote {
		b.WriteString("\n")
	}
}

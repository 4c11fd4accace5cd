package awslambda_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/boltstore"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/dynamostore"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/partnerkeys"
)

// apiLogLines are the lines the api Lambda writes for events: its
// LogRecorder on the logger NewLogger builds on AWS, so that a change of
// either format shows here.
func apiLogLines(t *testing.T, evs ...catalog.SearchEvent) []string {
	t.Helper()
	var buf bytes.Buffer
	rec := api.LogRecorder{Logger: awslambda.NewLogger(&buf, "info")}
	for _, ev := range evs {
		rec.Record(ev)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(evs) {
		t.Fatalf("%d events wrote %d lines: %q", len(evs), len(lines), buf.String())
	}
	return lines
}

// logsEvent is a CloudWatch Logs subscription delivery as Lambda receives
// it: the JSON document gzipped, then base64, in awslogs.data.
func logsEvent(t *testing.T, messageType string, at time.Time, messages ...string) events.CloudwatchLogsEvent {
	t.Helper()
	data := events.CloudwatchLogsData{
		Owner: "111122223333", LogGroup: "/aws/lambda/catalogsearch-dev-api", LogStream: "2026/11/02/[$LATEST]abc",
		SubscriptionFilters: []string{"SearchEvents"}, MessageType: messageType,
	}
	for i, m := range messages {
		data.LogEvents = append(data.LogEvents, events.CloudwatchLogsLogEvent{
			ID: strings.Repeat("1", 10) + string(rune('a'+i)), Timestamp: at.Add(time.Duration(i) * time.Second).UnixMilli(), Message: m,
		})
	}
	raw, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	var ev events.CloudwatchLogsEvent
	// Through JSON, as the runtime decodes the invocation's payload.
	payload := `{"awslogs":{"data":"` + base64.StdEncoding.EncodeToString(gz.Bytes()) + `"}}`
	if err := json.Unmarshal([]byte(payload), &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func boltLog(t *testing.T) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "c.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestSearchEventsHandlerCountsTheAPILines: the api Lambda's own lines,
// delivered by CloudWatch Logs, are counted at their log event's time;
// lines that are not search events are skipped and counted, and do not
// fail the delivery.
func TestSearchEventsHandlerCountsTheAPILines(t *testing.T) {
	at := time.Date(2026, 11, 2, 23, 59, 58, 0, time.UTC) // the third line is on the next day
	lines := apiLogLines(t,
		catalog.SearchEvent{Query: "chaise pliante", Total: 12, Filters: []string{"brand", "category"}},
		catalog.SearchEvent{Query: "chaise pliante", Position: 3},
		catalog.SearchEvent{Query: "zorglub", Total: 0},
	)
	other := []string{
		`{"time":"2026-11-02T23:59:58Z","level":"INFO","msg":"request","status":200}`, // another line of the api
		`{"msg":"search_event","total":3,"position":0}`,                               // no q
		`{"msg":"search_event","q":"x","total":1,"position":101}`,                     // beyond the deepest position
		`not json`,
	}
	var logs, metrics bytes.Buffer
	store := boltLog(t)
	h := &awslambda.SearchEventsHandler{Log: store, Logger: awslambda.NewLogger(&logs, "info"),
		Metrics: emf.New(&metrics, "dev")}
	ev := logsEvent(t, "DATA_MESSAGE", at, append(lines, other...)...)
	if err := h.Handle(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	got, err := store.SearchStats(t.Context(), at, at.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := catalog.SearchStats{
		Searches: 2, ZeroResults: 1,
		Queries: []catalog.QueryStats{
			{Query: "chaise pliante", Searches: 1, Clicks: 1, LastTotal: 12},
			{Query: "zorglub", Searches: 1, ZeroResults: 1},
		},
		Clicks:  []int{0, 0, 1},
		Filters: map[string]int{"brand": 1, "category": 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("counted\n%+v\nwant\n%+v", got, want)
	}
	// The event's day is its log event's: zorglub (third line, 2 s later) is on November 3.
	next, err := store.SearchStats(t.Context(), at.Add(24*time.Hour), at.Add(24*time.Hour))
	if err != nil || next.Searches != 1 || next.Queries[0].Query != "zorglub" {
		t.Fatalf("November 3: %+v, %v", next, err)
	}
	if !strings.Contains(logs.String(), `"skipped":4`) || !strings.Contains(metrics.String(), `"`+contract.MetricSearchLinesSkipped+`":4`) ||
		!strings.Contains(metrics.String(), `"`+contract.MetricSearchEvents+`":3`) {
		t.Fatalf("skipped lines not reported:\nlogs %s\nmetrics %s", logs.String(), metrics.String())
	}
}

// countingLog records the batches it is given, or fails.
type countingLog struct {
	catalog.SearchLog
	batches [][]catalog.SearchEvent
	err     error
}

func (c *countingLog) AddSearchEvents(_ context.Context, evs []catalog.SearchEvent) error {
	c.batches = append(c.batches, evs)
	return c.err
}

// TestSearchEventsHandlerDeliveries: one AddSearchEvents per delivery; a
// control message counts nothing; a failing table fails the invocation
// (Lambda retries it); a payload that is not a delivery is an error.
func TestSearchEventsHandlerDeliveries(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	lines := apiLogLines(t, catalog.SearchEvent{Query: "a", Total: 1}, catalog.SearchEvent{Query: "b", Total: 2}, catalog.SearchEvent{Query: "a", Position: 1})

	log := &countingLog{}
	h := &awslambda.SearchEventsHandler{Log: log}
	if err := h.Handle(t.Context(), logsEvent(t, "DATA_MESSAGE", at, lines...)); err != nil {
		t.Fatal(err)
	}
	if len(log.batches) != 1 || len(log.batches[0]) != 3 || !log.batches[0][2].At.Equal(at.Add(2*time.Second)) || log.batches[0][2].Position != 1 {
		t.Fatalf("batches %+v, want one of 3 events at their log times", log.batches)
	}
	if err := h.Handle(t.Context(), logsEvent(t, "CONTROL_MESSAGE", at, "CWL CONTROL MESSAGE: Checking health of destination Lambda.")); err != nil || len(log.batches) != 1 {
		t.Fatalf("control message: %v, %d batches", err, len(log.batches))
	}

	failing := &countingLog{err: catalog.Errorf(catalog.CodeUnavailable, "throttled")}
	h = &awslambda.SearchEventsHandler{Log: failing}
	if err := h.Handle(t.Context(), logsEvent(t, "DATA_MESSAGE", at, lines...)); catalog.CodeOf(err) != catalog.CodeUnavailable {
		t.Fatalf("a failing table: %v, want the error returned", err)
	}

	bad := events.CloudwatchLogsEvent{AWSLogs: events.CloudwatchLogsRawData{Data: "bm90IGd6aXA="}}
	if err := h.Handle(t.Context(), bad); catalog.CodeOf(err) != catalog.CodeInvalid || len(failing.batches) != 1 {
		t.Fatalf("a payload that is not gzip: %v", err)
	}
}

// TestSearchAnalyticsFromTheAPILambdaToTheInsights: the api Lambda's
// wiring (RunAPI: the real API behind the API Gateway adapter, a
// LogRecorder on the JSON logger, the DynamoDB store as SearchLog) logs a
// search and a click; their log lines, delivered as CloudWatch Logs
// would, are counted by the analytics handler into the table (moto), and
// the operator's insights view of the api Lambda reads them back.
func TestSearchAnalyticsFromTheAPILambdaToTheInsights(t *testing.T) {
	awstest.Require(t, moto)
	ctx := t.Context()
	client := dynamodb.NewFromConfig(moto.Config())
	table := "analytics-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := dynamostore.CreateTable(ctx, client, table); err != nil {
		t.Fatal(err)
	}
	store := dynamostore.New(client, table, dynamostore.Options{HistoryTTL: 14 * 24 * time.Hour})
	_, blobs := embeddedtest.Open(t)
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "idx"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	op, err := partnerkeys.New(blobs).IssueOperator(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var lambdaLog bytes.Buffer
	logger := awslambda.NewLogger(&lambdaLog, "info")
	h := awslambda.APIGatewayHandler(api.New(api.Deps{Store: store, Index: idx, Blobs: blobs, Logger: logger,
		Recorder: api.LogRecorder{Logger: logger}, SearchLog: store}))
	call := func(method, path string, query map[string]string, body string, headers map[string]string) events.APIGatewayProxyResponse {
		t.Helper()
		resp, err := h(ctx, events.APIGatewayProxyRequest{HTTPMethod: method, Path: path, QueryStringParameters: query, Body: body, Headers: headers})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if r := call("GET", "/v1/search", map[string]string{"q": "Chaise  Pliante"}, "", nil); r.StatusCode != 200 {
		t.Fatalf("search: %d %s", r.StatusCode, r.Body)
	}
	if r := call("POST", "/v1/search/clicks", nil, `{"q":"chaise pliante","position":2}`, map[string]string{"Content-Type": "application/json"}); r.StatusCode != 204 {
		t.Fatalf("click: %d %s", r.StatusCode, r.Body)
	}
	// Only the search_event lines pass the subscription's filter pattern.
	var delivered []string
	for line := range strings.SplitSeq(strings.TrimSpace(lambdaLog.String()), "\n") {
		if strings.Contains(line, `"msg":"`+contract.SearchEventMessage+`"`) {
			delivered = append(delivered, line)
		}
	}
	if len(delivered) != 2 {
		t.Fatalf("the api Lambda logged %d search_event lines, want 2:\n%s", len(delivered), lambdaLog.String())
	}
	now := time.Now().UTC()
	an := &awslambda.SearchEventsHandler{Log: store}
	if err := an.Handle(ctx, logsEvent(t, "DATA_MESSAGE", now, delivered...)); err != nil {
		t.Fatal(err)
	}
	day := now.Format(time.DateOnly)
	r := call("GET", "/v1/insights/searches", map[string]string{"from": day, "to": day}, "", map[string]string{"X-Api-Key": op})
	if r.StatusCode != 200 {
		t.Fatalf("insights: %d %s", r.StatusCode, r.Body)
	}
	var view struct {
		Searches struct {
			Queries []catalog.QueryStats `json:"queries"`
			Clicks  struct {
				Searches int `json:"searches"`
				Zero     int `json:"zero_results"`
			} `json:"clicks"`
		} `json:"searches"`
	}
	if err := json.Unmarshal([]byte(r.Body), &view); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	want := []catalog.QueryStats{{Query: "chaise pliante", Searches: 1, ZeroResults: 1, Clicks: 1}}
	if !reflect.DeepEqual(view.Searches.Queries, want) || view.Searches.Clicks.Searches != 1 || view.Searches.Clicks.Zero != 1 {
		t.Fatalf("insights searches view: %s", r.Body)
	}
}

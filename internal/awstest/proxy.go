package awstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LatencyProxy is an HTTP reverse proxy in front of moto_server that
// models the network distance to AWS: it holds every AWS request for a
// latency drawn uniformly from [Latency-Jitter, Latency+Jitter] before
// forwarding it, and counts requests by service and operation. For
// DynamoDB writes it also estimates the write units a real table would
// consume (moto meters none), from the items in the request bodies; see
// ItemBytes for the size approximation.
//
// Point SDK clients (Config(p.Endpoint)) or Lambda binaries
// (EnvFor(p.Endpoint)) at Endpoint instead of moto's.
type LatencyProxy struct {
	// Endpoint is http://127.0.0.1:PORT.
	Endpoint string
	latency  time.Duration
	jitter   time.Duration
	srv      *http.Server
	rp       *httputil.ReverseProxy

	rngMu sync.Mutex
	rng   *rand.Rand

	mu    sync.Mutex
	stats Stats

	// The table's write throughput (SetWriteLimit): a token bucket of
	// write units, guarded by mu.
	limit    float64 // units a second; 0: none
	tokens   float64
	refilled time.Time
	now      func() time.Time // the bucket's clock (SetClock)
}

// Stats is what a LatencyProxy counted.
type Stats struct {
	// Requests by "Service.Operation", e.g. "DynamoDB.PutItem",
	// "SQS.SendMessage", "S3.GetObject".
	Requests map[string]int
	// Errors by "Service.Operation": answers with a status of 400 or more.
	Errors map[string]int
	// Items written by "Service.Operation" (puts, updates and deletes of
	// successful DynamoDB write requests).
	Items map[string]int
	// WCU is the estimated DynamoDB write units of the successful writes.
	WCU float64
	// Units are the estimated write units by "Service.Operation".
	Units map[string]float64
	// Throttled counts, by "Service.Operation", the writes the proxy
	// answered with DynamoDB's throttling error (SetWriteLimit); they
	// are in Requests and Errors too.
	Throttled map[string]int
	// Unprocessed counts the items of BatchWriteItem requests the write
	// limit returned as UnprocessedItems (the rest of the batch was
	// written).
	Unprocessed int
}

// Total is the number of requests counted.
func (s Stats) Total() int {
	n := 0
	for _, c := range s.Requests {
		n += c
	}
	return n
}

// Writes returns the DynamoDB writes as "Op: items items, units WCU"
// strings, sorted by operation.
func (s Stats) Writes() []string {
	out := make([]string, 0, len(s.Items))
	for op, n := range s.Items {
		out = append(out, fmt.Sprintf("%s: %d items, %.0f WCU", op, n, s.Units[op]))
	}
	sort.Strings(out)
	return out
}

// Ops returns the requests as "Op count" strings, sorted by operation.
func (s Stats) Ops() []string {
	out := make([]string, 0, len(s.Requests))
	for op, n := range s.Requests {
		out = append(out, fmt.Sprintf("%s %d", op, n))
	}
	sort.Strings(out)
	return out
}

// StartLatencyProxy starts a proxy to target (moto's endpoint) on a free
// loopback port. latency is the mean delay added to each request, jitter
// its half-range (5 ms ± 2 ms: latency 5 ms, jitter 2 ms); seed makes the
// draws repeatable. The caller must Close it.
func StartLatencyProxy(target string, latency, jitter time.Duration, seed uint64) (*LatencyProxy, error) {
	if jitter > latency {
		return nil, fmt.Errorf("latency proxy: jitter %v is more than the latency %v", jitter, latency)
	}
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("latency proxy target %q: %w", target, err)
	}
	var lc net.ListenConfig
	l, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &LatencyProxy{
		Endpoint: "http://" + l.Addr().String(),
		latency:  latency,
		jitter:   jitter,
		rng:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), //nolint:gosec // G404: a delay model, not a secret
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host // moto signs nothing, but keeps the client's view
		},
		Transport:      &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second},
		ErrorLog:       nil,
		ModifyResponse: addUnprocessed,
	}
	p.Reset()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p, nil
}

// Close stops the proxy.
func (p *LatencyProxy) Close() error { return p.srv.Close() }

// Reset zeroes the counters.
func (p *LatencyProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats = Stats{Requests: map[string]int{}, Errors: map[string]int{}, Items: map[string]int{}, Units: map[string]float64{}, Throttled: map[string]int{}}
}

// Stats returns a copy of the counters.
func (p *LatencyProxy) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := Stats{Requests: map[string]int{}, Errors: map[string]int{}, Items: map[string]int{}, Units: map[string]float64{}, Throttled: map[string]int{}, WCU: p.stats.WCU, Unprocessed: p.stats.Unprocessed}
	for k, v := range p.stats.Throttled {
		out.Throttled[k] = v
	}
	for k, v := range p.stats.Units {
		out.Units[k] = v
	}
	for k, v := range p.stats.Requests {
		out.Requests[k] = v
	}
	for k, v := range p.stats.Errors {
		out.Errors[k] = v
	}
	for k, v := range p.stats.Items {
		out.Items[k] = v
	}
	return out
}

// SetWriteLimit models a DynamoDB table's write throughput: from now on
// the proxy lets through at most unitsPerSecond estimated write units a
// second (WriteUnits), with a burst of one second's worth, as a token
// bucket. A PutItem or DeleteItem that finds too few units is not
// forwarded: it is answered with DynamoDB's
// ProvisionedThroughputExceededException, which the SDK retries, and
// counted in Stats.Throttled. A BatchWriteItem is judged item by item, as
// DynamoDB does: the items over the limit come back as UnprocessedItems
// (Stats.Unprocessed), and only a batch none of whose items fits is
// throttled. UpdateItem and TransactWriteItems (catalog
// records and chunk ledgers, a handful a run, whose throttling has
// other error shapes) are never refused but spend units all the same,
// down to a debt later writes wait for. 0 removes the limit. moto meters
// nothing: without this the model's only limit is moto's own speed.
func (p *LatencyProxy) SetWriteLimit(unitsPerSecond float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit, p.tokens, p.refilled = unitsPerSecond, unitsPerSecond, p.clock()
}

// SetClock replaces the write limit's clock (time.Now), so that a test
// decides when the bucket refills.
func (p *LatencyProxy) SetClock(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// clock is the write limit's time; the caller holds mu.
func (p *LatencyProxy) clock() time.Time {
	if p.now != nil {
		return p.now()
	}
	return time.Now()
}

// refill adds the units earned since the last refill, up to a second's
// worth; the caller holds mu.
func (p *LatencyProxy) refill() {
	now := p.clock()
	p.tokens = min(p.limit, p.tokens+max(0, now.Sub(p.refilled).Seconds())*p.limit)
	p.refilled = now
}

// admit spends the units of a write under the write limit; false when a
// refusable write finds too few.
func (p *LatencyProxy) admit(op string, units float64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limit <= 0 || units == 0 {
		return true
	}
	p.refill()
	switch op {
	case "DynamoDB.PutItem", "DynamoDB.DeleteItem":
		if p.tokens < units {
			p.stats.Requests[op]++
			p.stats.Errors[op]++
			p.stats.Throttled[op]++
			return false
		}
	}
	p.tokens -= units
	return true
}

// admitBatch applies the write limit to a BatchWriteItem as DynamoDB
// does, item by item: the items that find their units are written, the
// others come back as UnprocessedItems; only a batch none of whose items
// fits is refused with the throttling error (ok false). kept is the body
// of the items let through and rest the others by table, nil when every
// item fits (kept is then body).
func (p *LatencyProxy) admitBatch(body []byte) (kept []byte, rest map[string][]json.RawMessage, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.limit <= 0 {
		return body, nil, true
	}
	var top map[string]json.RawMessage
	var tables map[string][]json.RawMessage
	if json.Unmarshal(body, &top) != nil || json.Unmarshal(top["RequestItems"], &tables) != nil {
		return body, nil, true // not ours to judge: moto answers it
	}
	p.refill()
	admitted := map[string][]json.RawMessage{}
	n := 0
	for _, table := range slices.Sorted(maps.Keys(tables)) {
		for _, raw := range tables[table] {
			var e batchWriteEntry
			_ = json.Unmarshal(raw, &e)
			u := 1.0
			if e.PutRequest != nil {
				u = itemUnits(e.PutRequest.Item)
			}
			if p.tokens >= u {
				p.tokens -= u
				admitted[table] = append(admitted[table], raw)
				n++
				continue
			}
			if rest == nil {
				rest = map[string][]json.RawMessage{}
			}
			rest[table] = append(rest[table], raw)
		}
	}
	if n == 0 {
		p.stats.Requests["DynamoDB.BatchWriteItem"]++
		p.stats.Errors["DynamoDB.BatchWriteItem"]++
		p.stats.Throttled["DynamoDB.BatchWriteItem"]++
		return nil, nil, false
	}
	if rest == nil {
		return body, nil, true
	}
	for _, entries := range rest {
		p.stats.Unprocessed += len(entries)
	}
	top["RequestItems"], _ = json.Marshal(admitted)
	kept, _ = json.Marshal(top)
	return kept, rest, true
}

// unprocessedKey is the context key of the items admitBatch held back,
// for addUnprocessed.
type unprocessedKey struct{}

// addUnprocessed adds the items the write limit held back to a
// BatchWriteItem answer's UnprocessedItems, and fixes the answer's length
// and CRC32 (which the SDK checks).
func addUnprocessed(resp *http.Response) error {
	extra, ok := resp.Request.Context().Value(unprocessedKey{}).(map[string][]json.RawMessage)
	if !ok || resp.StatusCode != http.StatusOK {
		return nil
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return err
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(b, &out); err != nil {
		return err
	}
	un := map[string][]json.RawMessage{}
	if raw, ok := out["UnprocessedItems"]; ok {
		_ = json.Unmarshal(raw, &un)
	}
	for table, entries := range extra {
		un[table] = append(un[table], entries...)
	}
	if out["UnprocessedItems"], err = json.Marshal(un); err != nil {
		return err
	}
	if b, err = json.Marshal(out); err != nil {
		return err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
	resp.Header.Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10))
	return nil
}

// throttled is DynamoDB's answer to a write over the table's throughput.
func throttled(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",`+
		`"message":"The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."}`)
}

// delay draws one request's latency.
func (p *LatencyProxy) delay() time.Duration {
	if p.jitter == 0 {
		return p.latency
	}
	p.rngMu.Lock()
	defer p.rngMu.Unlock()
	return p.latency - p.jitter + time.Duration(p.rng.Int64N(int64(2*p.jitter)+1))
}

// ServeHTTP classifies the request, waits the latency and forwards it.
func (p *LatencyProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/moto-api") { // moto's own API: not AWS, neither delayed nor counted
		p.rp.ServeHTTP(w, r)
		return
	}
	var body []byte
	if r.Header.Get("X-Amz-Target") != "" || strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		r.Body.Close()
		body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
		r.ContentLength = int64(len(b))
	}
	op := Operation(r, body)
	if d := p.delay(); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	var wcu float64
	var items int
	if strings.HasPrefix(op, "DynamoDB.") {
		wcu, items = WriteUnits(op, body)
	}
	if op == "DynamoDB.BatchWriteItem" {
		kept, rest, ok := p.admitBatch(body)
		if !ok {
			throttled(w)
			return
		}
		if rest != nil {
			body = kept
			wcu, items = WriteUnits(op, body)
			r = r.WithContext(context.WithValue(r.Context(), unprocessedKey{}, rest))
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
	} else if !p.admit(op, wcu) {
		throttled(w)
		return
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	p.rp.ServeHTTP(sw, r)
	if sw.status >= 300 {
		wcu, items = 0, 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stats.Requests[op]++
	if sw.status >= 400 {
		p.stats.Errors[op]++
	}
	p.stats.WCU += wcu
	if items > 0 {
		p.stats.Items[op] += items
		p.stats.Units[op] += wcu
	}
}

// statusWriter records the status the proxied answer had.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Operation names the AWS operation of a request to moto as
// "Service.Operation": DynamoDB, DynamoDB Streams and SQS (JSON protocol)
// by their X-Amz-Target; SQS's query protocol by its Action field (in
// body, the form, or the URL); anything else is S3, named from the method,
// the path-style path (/bucket, /bucket/key) and the sub-resource.
func Operation(r *http.Request, body []byte) string {
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		svc, action, ok := strings.Cut(target, ".")
		if !ok {
			return "Unknown." + target
		}
		switch {
		case strings.HasPrefix(svc, "DynamoDBStreams"):
			return "DynamoDBStreams." + action
		case strings.HasPrefix(svc, "DynamoDB"):
			return "DynamoDB." + action
		case strings.HasPrefix(svc, "AmazonSQS"):
			return "SQS." + action
		}
		return svc + "." + action
	}
	if action := r.URL.Query().Get("Action"); action != "" {
		return "SQS." + action
	}
	if body != nil {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("Action") != "" {
			return "SQS." + form.Get("Action")
		}
	}
	return "S3." + s3Operation(r)
}

// s3Operation names a path-style S3 request.
func s3Operation(r *http.Request) string {
	q := r.URL.Query()
	path := strings.TrimPrefix(r.URL.Path, "/")
	if path == "" {
		return "ListBuckets"
	}
	_, key, hasKey := strings.Cut(path, "/")
	if !hasKey || key == "" { // the bucket itself
		switch r.Method {
		case http.MethodGet:
			switch {
			case q.Has("notification"):
				return "GetBucketNotificationConfiguration"
			case q.Get("list-type") == "2":
				return "ListObjectsV2"
			case q.Has("versions"):
				return "ListObjectVersions"
			case q.Has("uploads"):
				return "ListMultipartUploads"
			}
			return "ListObjects"
		case http.MethodPut:
			if q.Has("notification") {
				return "PutBucketNotificationConfiguration"
			}
			return "CreateBucket"
		case http.MethodHead:
			return "HeadBucket"
		case http.MethodDelete:
			return "DeleteBucket"
		case http.MethodPost:
			if q.Has("delete") {
				return "DeleteObjects"
			}
		}
		return r.Method + "Bucket"
	}
	switch r.Method {
	case http.MethodGet:
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodDelete:
		if q.Has("uploadId") {
			return "AbortMultipartUpload"
		}
		return "DeleteObject"
	case http.MethodPut:
		switch {
		case q.Has("partNumber"):
			return "UploadPart"
		case r.Header.Get("X-Amz-Copy-Source") != "":
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodPost:
		switch {
		case q.Has("uploads"):
			return "CreateMultipartUpload"
		case q.Has("uploadId"):
			return "CompleteMultipartUpload"
		}
	}
	return r.Method + "Object"
}

// AttrValue is one DynamoDB attribute value in the JSON wire format
// ({"S":"..."}, {"N":"12"}, {"M":{...}}, ...).
type AttrValue struct {
	S    *string              `json:"S"`
	N    *string              `json:"N"`
	B    *string              `json:"B"`
	BOOL *bool                `json:"BOOL"`
	NULL *bool                `json:"NULL"`
	M    map[string]AttrValue `json:"M"`
	L    []AttrValue          `json:"L"`
	SS   []string             `json:"SS"`
	NS   []string             `json:"NS"`
	BS   []string             `json:"BS"`
}

// ItemBytes approximates the size DynamoDB bills for an item (wire-format
// JSON, {"name":{"S":"..."},...}), following its published sizing rules
// loosely: each attribute counts its name's bytes plus its value's; a
// string its UTF-8 bytes; a binary its decoded bytes; a number
// len(digits)/2+1; a boolean or null 1; a map or list 3 plus its
// elements (a list element 1 more, a map entry its name); a set the sum of
// its elements. This is the approximation the in-process counter of
// internal/awse2e uses; DynamoDB's own figure differs by a few bytes per
// attribute, which moves the units only for items near a KB boundary.
func ItemBytes(item map[string]AttrValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueBytes(v)
	}
	return n
}

func valueBytes(v AttrValue) int {
	switch {
	case v.S != nil:
		return len(*v.S)
	case v.N != nil:
		return len(*v.N)/2 + 1
	case v.B != nil:
		return base64.StdEncoding.DecodedLen(len(*v.B))
	case v.M != nil:
		return 3 + ItemBytes(v.M)
	case v.L != nil:
		n := 3
		for _, e := range v.L {
			n += 1 + valueBytes(e)
		}
		return n
	case v.SS != nil:
		return sumLen(v.SS, func(s string) int { return len(s) })
	case v.NS != nil:
		return sumLen(v.NS, func(s string) int { return len(s)/2 + 1 })
	case v.BS != nil:
		return sumLen(v.BS, func(s string) int { return base64.StdEncoding.DecodedLen(len(s)) })
	}
	return 1 // BOOL, NULL
}

func sumLen(xs []string, size func(string) int) int {
	n := 0
	for _, x := range xs {
		n += size(x)
	}
	return n
}

// itemUnits is the write units of one item written outside a
// transaction: one per started KB, at least one.
func itemUnits(item map[string]AttrValue) float64 {
	return math.Max(1, math.Ceil(float64(ItemBytes(item))/1024))
}

// writeRequest is the part of the DynamoDB write requests' bodies the
// estimate reads.
type writeRequest struct {
	Item                      map[string]AttrValue            `json:"Item"`
	Key                       map[string]AttrValue            `json:"Key"`
	ExpressionAttributeValues map[string]AttrValue            `json:"ExpressionAttributeValues"`
	RequestItems              map[string][]batchWriteEntry    `json:"RequestItems"`
	TransactItems             []map[string]transactWriteEntry `json:"TransactItems"`
}

type batchWriteEntry struct {
	PutRequest    *struct{ Item map[string]AttrValue } `json:"PutRequest"`
	DeleteRequest *struct{ Key map[string]AttrValue }  `json:"DeleteRequest"`
}

type transactWriteEntry struct {
	Item                      map[string]AttrValue `json:"Item"`
	Key                       map[string]AttrValue `json:"Key"`
	ExpressionAttributeValues map[string]AttrValue `json:"ExpressionAttributeValues"`
}

// updateItem is the item an update writes, as far as the request shows
// it: the key and the values it sets (the rest of the stored item, which
// DynamoDB bills too, is not in the request: an update of a big item is
// under-estimated).
func updateItem(key, values map[string]AttrValue) map[string]AttrValue {
	item := make(map[string]AttrValue, len(key)+len(values))
	for k, v := range key {
		item[k] = v
	}
	for k, v := range values {
		item[strings.TrimPrefix(k, ":")] = v
	}
	return item
}

// WriteUnits estimates the write units and counts the items written of a
// successful DynamoDB request op ("DynamoDB.PutItem", ...) with body:
// PutItem its Item; UpdateItem its key and new values (updateItem);
// DeleteItem and BatchWriteItem's DeleteRequests 1 each (the deleted
// item's size is not in the request); BatchWriteItem's PutRequests their
// items; TransactWriteItems twice the units of each Put, Update, Delete
// and ConditionCheck (DynamoDB bills a transaction's items double; a
// ConditionCheck is counted as a Delete is, a conservative guess). Reads
// and unparsable bodies count nothing.
func WriteUnits(op string, body []byte) (float64, int) {
	action := strings.TrimPrefix(op, "DynamoDB.")
	switch action {
	case "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems":
	default:
		return 0, 0
	}
	var req writeRequest
	if json.Unmarshal(body, &req) != nil {
		return 0, 0
	}
	switch action {
	case "PutItem":
		return itemUnits(req.Item), 1
	case "UpdateItem":
		return itemUnits(updateItem(req.Key, req.ExpressionAttributeValues)), 1
	case "DeleteItem":
		return 1, 1
	case "BatchWriteItem":
		var u float64
		n := 0
		for _, entries := range req.RequestItems {
			for _, e := range entries {
				switch {
				case e.PutRequest != nil:
					u += itemUnits(e.PutRequest.Item)
				case e.DeleteRequest != nil:
					u++
				default:
					continue
				}
				n++
			}
		}
		return u, n
	}
	var u float64 // TransactWriteItems
	n := 0
	for _, entry := range req.TransactItems {
		for kind, e := range entry {
			switch kind {
			case "Put":
				u += 2 * itemUnits(e.Item)
			case "Update":
				u += 2 * itemUnits(updateItem(e.Key, e.ExpressionAttributeValues))
			case "Delete":
				u += 2
			case "ConditionCheck": // billed, but no item is written
				u += 2
				continue
			default:
				continue
			}
			n++
		}
	}
	return u, n
}

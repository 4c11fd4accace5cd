package osindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/opensearch-project/opensearch-go/v4"
	"github.com/opensearch-project/opensearch-go/v4/signer/awsv2"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

var _ catalog.Index = (*Index)(nil)

// Config configures an Index.
type Config struct {
	// URL of the cluster: https://... of an Amazon OpenSearch Service
	// domain, or http://127.0.0.1:PORT of a local node.
	URL string
	// Alias the index is searched and written through (default
	// contract.DefaultIndexAlias); the real index behind it is
	// "<alias>-<timestamp>" and changes on Reindex.
	Alias string
	// Region, when set, makes every request SigV4-signed for Service in
	// that region, with Credentials (nil: the default AWS credential chain,
	// as a Lambda has it). Without Region requests are plain HTTP, for a
	// node on loopback.
	Region      string
	Service     string // "es" (default) or "aoss"
	Credentials aws.CredentialsProvider
	// Synonyms for a new index (nil: the default rules of package search):
	// the index template and Reindex use them. Queries use the rules the
	// index behind the alias was built with, read from its settings when
	// the alias exists (Synonyms when they cannot be read).
	Synonyms *search.Synonyms
	// Replicas of a new index (default 0, right for one node; a domain with
	// several data nodes wants 1).
	Replicas int
	// MaxRetries of a request answered 429 or 503, or not answered
	// (default 4), with exponential backoff from RetryBase (default 100 ms).
	MaxRetries int
	RetryBase  time.Duration
	// BulkDocs is how many documents one _bulk request carries (default 500).
	BulkDocs int
	// Transport overrides the HTTP transport (tests); nil: Go's default.
	Transport http.RoundTripper
	// Logger receives engine errors in full (nil: discard).
	Logger *slog.Logger
	// Observe, when set, receives the engine's own time ("took") and the
	// adapter's whole time of every search, for metrics and benchmarks.
	Observe func(engineTook, total time.Duration)
	// SynonymsRefresh is how often searches read the live index's
	// synonyms again (default one minute; negative: only when opened), so
	// that a long-lived reader (a warm api Lambda) follows a reindex that
	// another process ran with other rules.
	SynonymsRefresh time.Duration
	// NoSetup skips putting the index template and creating the first
	// index: for users allowed to search and write documents but not to
	// manage indexes (the API Lambda). The indexer or a deploy step sets up.
	NoSetup bool
}

// synonymFilter is the token filter of the index settings (mapping.go)
// that holds the synonym rules.
const synonymFilter = "catalog_synonyms"

// Index is a catalog.Index on OpenSearch. It is safe for concurrent use.
type Index struct {
	cfg    Config
	client *opensearch.Client
	log    *slog.Logger
	// syn are the rules queries are planned with: those of the index
	// behind the alias, read by New, again after Reindex's alias swap, and
	// every cfg.SynonymsRefresh by a search (synonyms).
	syn atomic.Pointer[search.Synonyms]
	// synRead is when syn was last read (UnixNano); refreshing is held by
	// the one search that reads them again.
	synRead    atomic.Int64
	refreshing atomic.Bool
}

// New connects to the cluster of cfg and makes sure the index template,
// an index and the alias exist (creating them on first use). When the
// alias exists, queries use the synonyms its index was built with (read
// from the index settings), which may differ from cfg.Synonyms until a
// Reindex rebuilds the index with those.
func New(ctx context.Context, cfg Config) (*Index, error) {
	if cfg.URL == "" {
		return nil, catalog.Errorf(catalog.CodeInvalid, "opensearch: no URL configured")
	}
	if cfg.Alias == "" {
		cfg.Alias = contract.DefaultIndexAlias
	}
	if strings.ToLower(cfg.Alias) != cfg.Alias || strings.ContainsAny(cfg.Alias, `/\*?"<>| ,#:`) {
		return nil, catalog.Errorf(catalog.CodeInvalid, "opensearch: alias %q is not a valid index name", cfg.Alias)
	}
	if cfg.Service == "" {
		cfg.Service = "es"
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 4
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 100 * time.Millisecond
	}
	if cfg.BulkDocs <= 0 {
		cfg.BulkDocs = 500
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Synonyms == nil {
		cfg.Synonyms = search.MustDefaultSynonyms()
	}
	if cfg.SynonymsRefresh == 0 {
		cfg.SynonymsRefresh = time.Minute
	}
	if cfg.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 32
		// On loopback, compressing answers only costs CPU on both sides.
		t.DisableCompression = loopback(cfg.URL)
		cfg.Transport = t
	}
	ocfg := opensearch.Config{
		Addresses:    []string{cfg.URL},
		Transport:    cfg.Transport,
		DisableRetry: true, // this package retries 429 and 503 itself, with backoff
	}
	if cfg.Region != "" {
		acfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(cfg.Region))
		if err != nil {
			return nil, catalog.Wrap(catalog.CodeInternal, err, "opensearch: AWS configuration")
		}
		if cfg.Credentials != nil {
			acfg.Credentials = cfg.Credentials
		}
		signer, err := awsv2.NewSignerWithService(acfg, cfg.Service)
		if err != nil {
			return nil, catalog.Wrap(catalog.CodeInternal, err, "opensearch: request signer")
		}
		ocfg.Signer = signer
	}
	client, err := opensearch.NewClient(ocfg)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalid, err, "opensearch: bad client configuration")
	}
	x := &Index{cfg: cfg, client: client, log: cfg.Logger}
	if !cfg.NoSetup {
		if err := x.ensure(ctx); err != nil {
			return nil, err
		}
	}
	x.setSynonyms(x.liveSynonyms(ctx, x.cfg.Alias))
	return x, nil
}

func (x *Index) setSynonyms(syn *search.Synonyms) {
	x.syn.Store(syn)
	x.synRead.Store(time.Now().UnixNano())
}

// synonyms returns the rules to plan a query with. When they are older
// than cfg.SynonymsRefresh, the calling search reads them again from the
// live index first (one search at a time; the others go on with the
// current rules). A failed read keeps the current rules.
func (x *Index) synonyms(ctx context.Context) *search.Synonyms {
	syn := x.syn.Load()
	every := x.cfg.SynonymsRefresh
	if every < 0 || time.Since(time.Unix(0, x.synRead.Load())) < every || !x.refreshing.CompareAndSwap(false, true) {
		return syn
	}
	defer x.refreshing.Store(false)
	live, err := x.indexSynonyms(ctx, x.cfg.Alias)
	if err != nil || live == nil {
		if err != nil {
			x.log.WarnContext(ctx, "opensearch: could not read the live index's synonyms again; keeping the current ones", "err", err)
		}
		x.synRead.Store(time.Now().UnixNano()) // try again after the next period, not at every search
		return syn
	}
	x.setSynonyms(live)
	return live
}

// liveSynonyms returns the rules of the index target (an alias or an
// index) as its settings hold them: the catalog_synonyms filter of its
// analysis, no rules when it has none. When the settings cannot be read or
// understood (no index yet, no permission, engine unreachable) it logs why
// and returns cfg.Synonyms, the rules of a new index.
func (x *Index) liveSynonyms(ctx context.Context, target string) *search.Synonyms {
	syn, err := x.indexSynonyms(ctx, target)
	if err != nil {
		x.log.WarnContext(ctx, "opensearch: query synonyms are those of the configuration, not of the live index",
			"index", target, "err", err)
		return x.cfg.Synonyms
	}
	if syn == nil { // no index behind the alias yet: the template's rules will apply
		return x.cfg.Synonyms
	}
	return syn
}

// indexSynonyms reads the synonym rules of target from its settings: nil
// and no error when target does not exist.
func (x *Index) indexSynonyms(ctx context.Context, target string) (*search.Synonyms, error) {
	status, data, err := x.do(ctx, http.MethodGet, "/"+esc(target)+"/_settings", nil, http.StatusNotFound)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return nil, nil
	}
	var resp map[string]struct {
		Settings struct {
			Index struct {
				Analysis struct {
					Filter map[string]struct {
						Type     string   `json:"type"`
						Synonyms []string `json:"synonyms"`
					} `json:"filter"`
				} `json:"analysis"`
			} `json:"index"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, fmt.Errorf("index settings: %w", err)
	}
	if len(resp) == 0 {
		return nil, nil
	}
	// An alias points to one index; should it point to several (a swap
	// done by hand), the newest name (they end in a timestamp) wins.
	newest := ""
	for name := range resp {
		newest = max(newest, name)
	}
	f, ok := resp[newest].Settings.Index.Analysis.Filter[synonymFilter]
	if !ok {
		return &search.Synonyms{}, nil // built without rules (settings omits the filter)
	}
	if f.Type != "synonym" {
		return nil, fmt.Errorf("index %s: filter %s has type %q", newest, synonymFilter, f.Type)
	}
	syn, err := search.SynonymsFromSolr(f.Synonyms)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", newest, err)
	}
	return syn, nil
}

// loopback reports whether rawURL names this machine.
func loopback(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	if u.Hostname() == "localhost" {
		return true
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && ip.IsLoopback()
}

// Alias returns the alias the index is used through.
func (x *Index) Alias() string { return x.cfg.Alias }

// ensure puts the index template and, when the alias does not exist yet,
// creates a first index behind it.
func (x *Index) ensure(ctx context.Context) error {
	tmpl, err := json.Marshal(map[string]any{
		"index_patterns": []string{x.cfg.Alias + "-*"},
		"priority":       100,
		"template": map[string]any{
			"settings": settings(x.cfg.Synonyms, x.cfg.Replicas),
			"mappings": mappings(),
		},
		"_meta": map[string]any{"owner": "catalogsearch"},
	})
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "opensearch: template")
	}
	if _, _, err := x.do(ctx, http.MethodPut, "/_index_template/"+esc(x.cfg.Alias+"-template"), tmpl); err != nil {
		return err
	}
	status, _, err := x.do(ctx, http.MethodHead, "/_alias/"+esc(x.cfg.Alias), nil, http.StatusNotFound)
	if err != nil {
		return err
	}
	if status == http.StatusOK {
		return x.addFields(ctx)
	}
	name := x.newIndexName()
	body, _ := json.Marshal(map[string]any{"aliases": map[string]any{x.cfg.Alias: map[string]any{}}})
	_, data, err := x.do(ctx, http.MethodPut, "/"+esc(name), body, http.StatusBadRequest)
	if err != nil {
		return err
	}
	if bytes.Contains(data, []byte("resource_already_exists_exception")) || bytes.Contains(data, []byte("invalid_alias_name_exception")) {
		return nil // a concurrent start created it
	}
	if len(data) > 0 && bytes.Contains(data, []byte(`"error"`)) {
		x.log.ErrorContext(ctx, "opensearch", "op", "create index", "err", truncate(data))
		return catalog.Errorf(catalog.CodeInternal, "search engine failure")
	}
	return nil
}

// addedFields are the fields added to the mapping after the first indexes
// were made: ensure adds them to the index behind an existing alias (adding
// a field is allowed on a live index), so that writes index them before
// the next reindex.
func addedFields() []string {
	return []string{search.FieldGrade, search.FieldOfferKey, search.FieldGroup, search.FieldAvailability, search.FieldLeadTime}
}

func (x *Index) addFields(ctx context.Context) error {
	props := mappings()["properties"].(map[string]any)
	add := map[string]any{}
	for _, f := range addedFields() {
		add[f] = props[f]
	}
	body, err := json.Marshal(map[string]any{"properties": add})
	if err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "opensearch: mapping")
	}
	_, _, err = x.do(ctx, http.MethodPut, "/"+esc(x.cfg.Alias)+"/_mapping", body)
	return err
}

// Ensure puts the index template and creates the first index behind the
// alias when there is none: what New does unless NoSetup, for a deploy
// step that runs it again on a warm instance. It is idempotent.
func (x *Index) Ensure(ctx context.Context) error { return x.ensure(ctx) }

// indexNotFound reports whether a 404 answer says that the index (or the
// alias) does not exist, as opposed to any other 404.
func indexNotFound(data []byte) bool {
	return bytes.Contains(data, []byte("index_not_found_exception"))
}

// engineErr is the error of an answer the caller did not expect.
func (x *Index) engineErr(ctx context.Context, method, path string, status int, data []byte) error {
	e := &engineError{status, truncate(data)}
	x.log.ErrorContext(ctx, "opensearch", "method", method, "path", path, "err", e)
	return catalog.Wrap(catalog.CodeInternal, e, "search engine failure")
}

func (x *Index) newIndexName() string {
	return x.cfg.Alias + "-" + strings.ToLower(time.Now().UTC().Format("20060102-150405.000000000"))
}

// Refresh makes every write done so far visible to searches (OpenSearch
// does so by itself within a second).
func (x *Index) Refresh(ctx context.Context) error {
	_, _, err := x.do(ctx, http.MethodPost, "/"+esc(x.cfg.Alias)+"/_refresh", nil)
	return err
}

// Drop deletes the indexes behind the alias, and the template: for tests
// and for tearing a deployment down.
func (x *Index) Drop(ctx context.Context) error {
	names, err := x.aliasIndexes(ctx)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, _, err := x.do(ctx, http.MethodDelete, "/"+esc(n), nil, http.StatusNotFound); err != nil {
			return err
		}
	}
	_, _, err = x.do(ctx, http.MethodDelete, "/_index_template/"+esc(x.cfg.Alias+"-template"), nil, http.StatusNotFound)
	return err
}

// aliasIndexes returns the indexes the alias points to.
func (x *Index) aliasIndexes(ctx context.Context) ([]string, error) {
	status, data, err := x.do(ctx, http.MethodGet, "/_alias/"+esc(x.cfg.Alias), nil, http.StatusNotFound)
	if err != nil || status == http.StatusNotFound {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, x.decodeErr(ctx, err)
	}
	out := make([]string, 0, len(m))
	for name := range m {
		out = append(out, name)
	}
	return out, nil
}

func (x *Index) decodeErr(ctx context.Context, err error) error {
	x.log.ErrorContext(ctx, "opensearch", "op", "decode response", "err", err)
	return catalog.Wrap(catalog.CodeInternal, err, "search engine failure")
}

// bulkItem is one line of a _bulk answer.
type bulkItem struct {
	Status int             `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// Upsert implements catalog.Index: a _bulk of index actions with external
// versioning (version_type=external, version=Product.Version), so that
// OpenSearch itself refuses a version not above the indexed one; such a
// refusal (409) is the contract, not an error.
func (x *Index) Upsert(ctx context.Context, products []catalog.Product) error {
	return x.upsertInto(ctx, x.cfg.Alias, products)
}

func (x *Index) upsertInto(ctx context.Context, target string, products []catalog.Product) error {
	latest := make(map[string]int, len(products))
	for i, p := range products {
		if p.ID == "" {
			return catalog.Errorf(catalog.CodeInvalid, "product without id")
		}
		if p.Version < 0 {
			return catalog.Errorf(catalog.CodeInvalid, "product %s has a negative version", p.ID)
		}
		if j, ok := latest[p.ID]; !ok || products[j].Version <= p.Version {
			latest[p.ID] = i
		}
	}
	var lines [][]byte // action and source, two per document
	for i, p := range products {
		if latest[p.ID] != i {
			continue
		}
		action, err := json.Marshal(map[string]any{"index": map[string]any{
			"_index": target, "_id": p.ID, "version": p.Version, "version_type": "external",
		}})
		if err != nil {
			return x.decodeErr(ctx, err)
		}
		src, err := json.Marshal(document(p))
		if err != nil {
			return x.decodeErr(ctx, err)
		}
		lines = append(lines, action, src)
		if len(lines)/2 >= x.cfg.BulkDocs {
			if err := x.bulk(ctx, lines, 2); err != nil {
				return err
			}
			lines = lines[:0]
		}
	}
	return x.bulk(ctx, lines, 2)
}

// Delete implements catalog.Index.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	var lines [][]byte
	for _, id := range ids {
		action, err := json.Marshal(map[string]any{"delete": map[string]any{"_index": x.cfg.Alias, "_id": id}})
		if err != nil {
			return x.decodeErr(ctx, err)
		}
		lines = append(lines, action)
		if len(lines) >= x.cfg.BulkDocs {
			if err := x.bulk(ctx, lines, 1); err != nil {
				return err
			}
			lines = lines[:0]
		}
	}
	return x.bulk(ctx, lines, 1)
}

// bulk sends lines (per actions of per lines each) as _bulk requests and
// handles every item: 2xx done; 409 (a version not above the indexed one)
// and 404 on delete are the contract; 429 and 503 items are sent again with
// backoff; any other failure is logged in full and reported as one
// CodeInternal error after the rest went through.
func (x *Index) bulk(ctx context.Context, lines [][]byte, per int) error {
	failed := 0
	for attempt := 0; len(lines) > 0; attempt++ {
		var buf bytes.Buffer
		for _, l := range lines {
			buf.Write(l)
			buf.WriteByte('\n')
		}
		_, data, err := x.do(ctx, http.MethodPost, "/_bulk", buf.Bytes())
		if err != nil {
			return err
		}
		if bytes.Contains(data[:min(len(data), 64)], []byte(`"errors":false`)) {
			return x.bulkResult(failed) // every item went through: no need to read them
		}
		var resp struct {
			Errors bool                  `json:"errors"`
			Items  []map[string]bulkItem `json:"items"`
		}
		if err := json.Unmarshal(data, &resp); err != nil {
			return x.decodeErr(ctx, err)
		}
		if !resp.Errors {
			return x.bulkResult(failed)
		}
		if len(resp.Items)*per != len(lines) {
			return x.decodeErr(ctx, fmt.Errorf("_bulk answered %d items for %d actions", len(resp.Items), len(lines)/per))
		}
		var again [][]byte
		for i, item := range resp.Items {
			for op, it := range item {
				switch {
				case it.Status/100 == 2, it.Status == http.StatusConflict,
					op == "delete" && it.Status == http.StatusNotFound:
				case retryable(it.Status):
					again = append(again, lines[i*per:(i+1)*per]...)
				default:
					failed++
					x.log.ErrorContext(ctx, "opensearch bulk item", "op", op, "status", it.Status, "err", truncate(it.Error))
				}
			}
		}
		lines = again
		if len(lines) == 0 {
			break
		}
		if attempt >= x.cfg.MaxRetries {
			x.log.ErrorContext(ctx, "opensearch bulk", "throttled_items", len(lines)/per)
			return catalog.Errorf(catalog.CodeUnavailable, "search engine throttled %d documents, retry later", len(lines)/per)
		}
		if !x.sleep(ctx, x.backoff(attempt)) {
			return catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "indexing interrupted")
		}
	}
	return x.bulkResult(failed)
}

func (x *Index) bulkResult(failed int) error {
	if failed > 0 {
		return catalog.Errorf(catalog.CodeInternal, "search engine refused %d documents", failed)
	}
	return nil
}

// Count implements catalog.Index.
func (x *Index) Count(ctx context.Context) (int, error) {
	status, data, err := x.do(ctx, http.MethodGet, "/"+esc(x.cfg.Alias)+"/_count", nil, http.StatusNotFound)
	if err != nil {
		return 0, err
	}
	if status == http.StatusNotFound {
		if !indexNotFound(data) {
			return 0, x.engineErr(ctx, http.MethodGet, "/_count", status, data)
		}
		return 0, nil // no index yet: no products
	}
	var resp struct {
		Count int `json:"count"`
	}
	if err := json.Unmarshal(data, &resp); err != nil {
		return 0, x.decodeErr(ctx, err)
	}
	return resp.Count, nil
}

// Reindex builds a new index (from the template, with cfg.Synonyms) from
// every product of src, then swaps the alias to it in one atomic _aliases
// call and deletes the old index. Searches use the old index until the
// swap, and the new index's synonyms after it: Reindex replaces the query
// rules of this Index without a lock, so it must not run while the same
// Index serves searches (catalogctl and the reindex Lambda do not). Writes made through the alias during the build go
// to the old index only: run the indexer's catch-up (or pause it) around a
// reindex. progress, when not nil, is called with the running count.
func (x *Index) Reindex(ctx context.Context, src search.Source, progress func(done int)) (int, error) {
	if err := x.ensure(ctx); err != nil { // refresh the template with this Index's settings
		return 0, err
	}
	old, err := x.aliasIndexes(ctx)
	if err != nil {
		return 0, err
	}
	name := x.newIndexName()
	body, _ := json.Marshal(map[string]any{"settings": map[string]any{"refresh_interval": "-1"}})
	if _, _, err := x.do(ctx, http.MethodPut, "/"+esc(name), body); err != nil {
		return 0, err
	}
	drop := func() {
		if _, _, err := x.do(context.WithoutCancel(ctx), http.MethodDelete, "/"+esc(name), nil, http.StatusNotFound); err != nil {
			x.log.ErrorContext(ctx, "opensearch", "op", "drop unfinished index", "index", name, "err", err)
		}
	}
	n, err := search.Batches(src, x.cfg.BulkDocs, func(batch []catalog.Product) error {
		return x.upsertInto(ctx, name, batch)
	}, progress)
	if err == nil {
		body, _ = json.Marshal(map[string]any{"index": map[string]any{"refresh_interval": nil}})
		_, _, err = x.do(ctx, http.MethodPut, "/"+esc(name)+"/_settings", body)
	}
	if err == nil {
		_, _, err = x.do(ctx, http.MethodPost, "/"+esc(name)+"/_refresh", nil)
	}
	if err != nil {
		drop()
		return n, err
	}
	syn := x.liveSynonyms(ctx, name)
	actions := []any{map[string]any{"add": map[string]any{"index": name, "alias": x.cfg.Alias}}}
	for _, o := range old {
		actions = append(actions, map[string]any{"remove": map[string]any{"index": o, "alias": x.cfg.Alias}})
	}
	body, _ = json.Marshal(map[string]any{"actions": actions})
	if _, _, err := x.do(ctx, http.MethodPost, "/_aliases", body); err != nil {
		drop()
		return n, err
	}
	x.setSynonyms(syn)
	var errs []error
	for _, o := range old {
		if _, _, err := x.do(ctx, http.MethodDelete, "/"+esc(o), nil, http.StatusNotFound); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		x.log.ErrorContext(ctx, "opensearch", "op", "delete old index", "err", errors.Join(errs...))
	}
	return n, nil
}

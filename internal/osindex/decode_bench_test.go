package osindex

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	jsonv2 "github.com/go-json-experiment/json"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// searchResponse builds an engine answer of n hits over generated
// products, shaped like OpenSearch's (hits with _source, highlights, sort
// values, one aggregation), for the decode benchmarks.
func searchResponse(tb testing.TB, n int) []byte {
	tb.Helper()
	var hits []any
	_, err := demogen.EachProduct(context.Background(), demogen.Options{Seed: 42, Rows: n, Profile: demogen.Profiles()[0]}, func(p catalog.Product) error {
		hits = append(hits, map[string]any{
			"_index": "catalog-products-20261128", "_id": p.ID, "_score": 3.25,
			"_source":   map[string]any{fProduct: p},
			"highlight": map[string]any{search.FieldName: []string{engineOpen + p.Name + engineClose}},
			"sort":      []any{3.25, p.ID},
		})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{
		"took": 3, "timed_out": false,
		"_shards": map[string]any{"total": 1, "successful": 1, "skipped": 0, "failed": 0},
		"hits":    map[string]any{"total": map[string]any{"value": 1234, "relation": "eq"}, "max_score": 3.25, "hits": hits},
		"aggregations": map[string]any{"brand": map[string]any{"doc_count": 1234, "v": map[string]any{
			"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
			"buckets": []any{map[string]any{"key": "Acme", "doc_count": 1000}, map[string]any{"key": "Other", "doc_count": 234}},
		}}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeSearchResponse decodes a page of hits with encoding/json
// (the baseline) and with encoding/json/v2 (what the adapter uses).
func BenchmarkDecodeSearchResponse(b *testing.B) {
	data := searchResponse(b, catalog.DefaultSize)
	for _, dec := range []struct {
		name      string
		unmarshal func([]byte, any) error
	}{
		{"encoding-json", json.Unmarshal},
		{"encoding-json-v2", func(d []byte, v any) error { return jsonv2.Unmarshal(d, v) }},
	} {
		b.Run(dec.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var resp searchResp
				if err := dec.unmarshal(data, &resp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// cannedTransport answers every request with the same engine answer, in
// memory: the benchmark measures the adapter's own work, not the engine.
type cannedTransport struct{ body []byte }

func (c cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body)), Request: r,
	}, nil
}

// BenchmarkSearchAdapter is the adapter's own work for one search with
// text, a filter and four facets (query building, request, decoding,
// highlights), the engine replaced by a canned answer in memory. The real
// engine's figures are in make bench-search.
func BenchmarkSearchAdapter(b *testing.B) {
	data := searchResponse(b, catalog.DefaultSize)
	x, err := New(context.Background(), Config{URL: "http://127.0.0.1:9", NoSetup: true, Transport: cannedTransport{data}})
	if err != nil {
		b.Fatal(err)
	}
	q := catalog.Query{Text: "chaussure cuir ", Facets: []string{"brand", "category", "partner", "price"},
		Filters: catalog.Filters{Brands: []string{"Acme"}}}
	if err := q.Validate(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := x.Search(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}

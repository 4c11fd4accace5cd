package awslambda_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/api"
	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/bleveindex"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/catalogtest"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
)

// echo answers with what it received, so that the adapter's translation
// can be checked field by field.
func echo() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/products/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Add("X-Multi", "a")
		w.Header().Add("X-Multi", "b")
		w.WriteHeader(http.StatusTeapot)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"method": r.Method, "path": r.URL.Path, "id": r.PathValue("id"), "query": r.URL.Query(),
			"header": r.Header.Get("X-Api-Key"), "body": string(body), "rid": r.Header.Get("X-Request-Id"),
		})
	})
	mux.HandleFunc("/v1/file", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write([]byte{0, 1, 2, 255})
	})
	return mux
}

func TestAPIGatewayAdapter(t *testing.T) {
	h := awslambda.APIGatewayHandler(echo())
	tests := []struct {
		name  string
		event events.APIGatewayProxyRequest
		want  map[string]any
	}{
		{
			name: "escaped id, repeated query, header, base64 body",
			event: events.APIGatewayProxyRequest{
				HTTPMethod: "POST", Path: "/v1/products/acme%3AK%2F1",
				MultiValueQueryStringParameters: map[string][]string{"partner": {"a", "b"}},
				QueryStringParameters:           map[string]string{"partner": "b", "q": "chaise été"},
				MultiValueHeaders:               map[string][]string{"X-Api-Key": {"k1"}},
				Body:                            base64.StdEncoding.EncodeToString([]byte("raw body")), IsBase64Encoded: true,
				RequestContext: events.APIGatewayProxyRequestContext{RequestID: "req-9"},
			},
			want: map[string]any{"method": "POST", "id": "acme:K/1", "header": "k1", "body": "raw body", "rid": "req-9",
				"query": map[string]any{"partner": []any{"a", "b"}, "q": []any{"chaise été"}}},
		},
		{
			name:  "api prefix stripped, single-value only",
			event: events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/v1/products/x", QueryStringParameters: map[string]string{"size": "5"}, Headers: map[string]string{"x-api-key": "k2"}},
			want:  map[string]any{"method": "GET", "path": "/v1/products/x", "id": "x", "header": "k2", "query": map[string]any{"size": []any{"5"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := h(context.Background(), tt.event)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusTeapot || resp.IsBase64Encoded || strings.Join(resp.MultiValueHeaders["X-Multi"], ",") != "a,b" {
				t.Fatalf("response %+v", resp)
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			for k, want := range tt.want {
				g, _ := json.Marshal(got[k])
				w, _ := json.Marshal(want)
				if string(g) != string(w) {
					t.Errorf("%s = %s, want %s", k, g, w)
				}
			}
		})
	}
	t.Run("binary body goes base64", func(t *testing.T) {
		resp, _ := h(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/file"})
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if !resp.IsBase64Encoded || err != nil || string(b) != "\x00\x01\x02\xff" {
			t.Fatalf("response %+v", resp)
		}
	})
	t.Run("bad base64 is a 400 JSON error", func(t *testing.T) {
		resp, _ := h(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/v1/file", Body: "%%%", IsBase64Encoded: true})
		if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"invalid"`) {
			t.Fatalf("response %+v", resp)
		}
	})
}

// TestAdapterServesTheRealAPI runs the API handler (on embedded adapters)
// behind the adapter, as the api Lambda does with the AWS adapters.
func TestAdapterServesTheRealAPI(t *testing.T) {
	store, blobs := embeddedtest.Open(t)
	idx, err := bleveindex.Open(filepath.Join(t.TempDir(), "idx"), bleveindex.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	p := catalogtest.SampleProduct("acme", "K1")
	p.Version = 1
	if _, err := store.PutProducts(t.Context(), []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Upsert(t.Context(), []catalog.Product{p}); err != nil {
		t.Fatal(err)
	}
	h := awslambda.APIGatewayHandler(api.New(api.Deps{Store: store, Index: idx, Blobs: blobs}))
	resp, err := h(t.Context(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/search",
		MultiValueQueryStringParameters: map[string][]string{"q": {"chaise"}, "partner": {"acme"}}})
	if err != nil {
		t.Fatal(err)
	}
	var res catalog.Result
	if err := json.Unmarshal([]byte(resp.Body), &res); err != nil || resp.StatusCode != 200 || res.Total != 1 || res.Hits[0].Product.ID != p.ID {
		t.Fatalf("search: %d %s (%v)", resp.StatusCode, resp.Body, err)
	}
	resp, _ = h(t.Context(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/products/" + "acme%3AK1"})
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"acme:K1"`) {
		t.Fatalf("product: %d %s", resp.StatusCode, resp.Body)
	}
	resp, _ = h(t.Context(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/v1/products/nope"})
	if resp.StatusCode != 404 || !strings.Contains(resp.Body, `"not_found"`) {
		t.Fatalf("missing product: %d %s", resp.StatusCode, resp.Body)
	}
}

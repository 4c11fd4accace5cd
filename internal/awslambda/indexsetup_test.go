package awslambda_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/osindex"
)

// engine is a stand-in for an OpenSearch domain with no index yet: it
// records the calls, creates the alias when an index is created with it,
// and fails every call when broken.
type engine struct {
	mu     sync.Mutex
	calls  []string
	alias  bool
	broken bool
}

func (e *engine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, r.Method+" "+r.URL.Path)
	switch {
	case e.broken:
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":{"type":"illegal_argument_exception"},"status":400}`)
	case r.Method == http.MethodHead && strings.HasPrefix(r.URL.Path, "/_alias/"):
		if !e.alias {
			w.WriteHeader(http.StatusNotFound)
		}
	case r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/products-"):
		e.alias = true
		_, _ = io.WriteString(w, `{"acknowledged":true}`)
	case strings.HasSuffix(r.URL.Path, "/_count"):
		if !e.alias {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"type":"index_not_found_exception"},"status":404}`)
			return
		}
		_, _ = io.WriteString(w, `{"count":0}`)
	case strings.HasSuffix(r.URL.Path, "/_settings"):
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error":{"type":"index_not_found_exception"},"status":404}`)
	default:
		_, _ = io.WriteString(w, `{"acknowledged":true}`)
	}
}

// cloudFormation records the responses put to a custom resource's ResponseURL.
type cloudFormation struct {
	mu        sync.Mutex
	responses []map[string]any
}

func (c *cloudFormation) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var resp map[string]any
	_ = json.NewDecoder(r.Body).Decode(&resp)
	c.mu.Lock()
	c.responses = append(c.responses, resp)
	c.mu.Unlock()
}

// A deploy invokes the reindex function with the SearchIndexSetup custom
// resource event: the function creates the template and the first index
// behind the alias, and answers CloudFormation; a failure is answered as
// FAILED with the reason (never left for CloudFormation to time out), and a
// delete keeps the index.
func TestReindexAnswersTheIndexSetupResource(t *testing.T) {
	tests := []struct {
		name        string
		requestType string
		broken      bool
		wantStatus  string
		wantAlias   bool
	}{
		{"create makes the index", "Create", false, "SUCCESS", true},
		{"update makes a missing index", "Update", false, "SUCCESS", true},
		{"delete keeps everything", "Delete", false, "SUCCESS", false},
		{"engine failure is reported", "Create", true, "FAILED", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			eng := &engine{}
			engSrv := httptest.NewServer(eng)
			t.Cleanup(engSrv.Close)
			cf := &cloudFormation{}
			cfSrv := httptest.NewServer(cf)
			t.Cleanup(cfSrv.Close)
			// The reindex Lambda opens its index without setup here, so the
			// setup is the custom resource's doing.
			idx, err := osindex.New(ctx, osindex.Config{URL: engSrv.URL, Alias: "products", NoSetup: true})
			if err != nil {
				t.Fatal(err)
			}
			eng.mu.Lock()
			eng.calls = nil
			eng.broken = tt.broken
			eng.mu.Unlock()
			h := &awslambda.ReindexHandler{Index: idx}
			event, _ := json.Marshal(map[string]any{
				"RequestType": tt.requestType, "ResponseURL": cfSrv.URL + "/response",
				"StackId": "arn:aws:cloudformation:eu-west-3:123456789012:stack/CatalogSearch-dev-Pipeline/x", "RequestId": "req-1",
				"ResourceType": "Custom::SearchIndexSetup", "LogicalResourceId": "SearchIndexSetup",
				"PhysicalResourceId":    "search-index-setup",
				"ResourceProperties":    map[string]any{"Alias": "products", "Replicas": "0"},
				"OldResourceProperties": map[string]any{},
			})
			if _, err := h.Invoke(ctx, event); err != nil {
				t.Fatalf("invoke: %v", err)
			}
			if len(cf.responses) != 1 {
				t.Fatalf("CloudFormation got %d responses, want 1", len(cf.responses))
			}
			r := cf.responses[0]
			if r["Status"] != tt.wantStatus || r["RequestId"] != "req-1" || r["LogicalResourceId"] != "SearchIndexSetup" {
				t.Errorf("response %v, want status %s", r, tt.wantStatus)
			}
			if tt.wantStatus == "FAILED" && r["Reason"] == "" {
				t.Error("a failure without its reason")
			}
			if eng.alias != tt.wantAlias {
				t.Errorf("alias exists: %v, want %v (calls %v)", eng.alias, tt.wantAlias, eng.calls)
			}
			if tt.requestType == "Delete" && len(eng.calls) != 0 {
				t.Errorf("delete touched the engine: %v", eng.calls)
			}
		})
	}
}

// Any other event is a reindex request; one that is not valid JSON of
// that shape is refused with a coded error.
func TestReindexRefusesAnUnknownEvent(t *testing.T) {
	h := &awslambda.ReindexHandler{}
	_, err := h.Invoke(context.Background(), json.RawMessage(`"reindex please"`))
	if catalog.CodeOf(err) != catalog.CodeInvalid {
		t.Fatalf("error %v, want code invalid", err)
	}
}

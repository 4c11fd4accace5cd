package awse2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// TestEmptyStageAnswers: a stage whose index does not exist yet (a fresh
// deploy before any catalog) answers health, search and suggest with 200
// and no products, not 500; the deploy's SearchIndexSetup custom resource
// event, sent to the reindex binary, creates the index and is answered
// SUCCESS at its ResponseURL, as CloudFormation waits for.
func TestEmptyStageAnswers(t *testing.T) {
	st := newStack(t)
	ctx := t.Context()
	// newStack opened the index (which creates it): remove it, as on a
	// stage that no indexer has written to.
	if err := st.index.Drop(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := st.index.Count(ctx); err != nil || n != 0 {
		t.Fatalf("dropped index: count %d, %v", n, err)
	}
	for _, c := range []struct {
		path  string
		query url.Values
	}{
		{"/v1/health", nil},
		{"/v1/search", url.Values{"q": {"chaise"}}},
		{"/v1/search", nil},
		{"/v1/suggest", url.Values{"q": {"cha"}}},
	} {
		status, body := st.api(c.path, c.query)
		if status != http.StatusOK {
			t.Fatalf("GET %s?%s on an empty stage: %d %s", c.path, c.query.Encode(), status, body)
		}
		var v struct {
			Total    *int `json:"total"`
			Products *int `json:"products"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatalf("GET %s: %v: %s", c.path, err, body)
		}
		if v.Total != nil && *v.Total != 0 || v.Products != nil && *v.Products != 0 {
			t.Errorf("GET %s on an empty stage: %s", c.path, body)
		}
	}

	// What CloudFormation sends on the stage's first deploy.
	var mu sync.Mutex
	var responses []map[string]any
	cf := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var resp map[string]any
		_ = json.NewDecoder(r.Body).Decode(&resp)
		mu.Lock()
		responses = append(responses, resp)
		mu.Unlock()
	}))
	t.Cleanup(cf.Close)
	event := map[string]any{
		"RequestType": "Create", "ResponseURL": cf.URL + "/cfn-response",
		"StackId":   "arn:aws:cloudformation:eu-west-3:123456789012:stack/CatalogSearch-test-Pipeline/x",
		"RequestId": "deploy-1", "LogicalResourceId": "SearchIndexSetup",
		"ResourceType": "Custom::SearchIndexSetup",
		"ResourceProperties": map[string]any{
			"ServiceToken": "arn:aws:lambda:eu-west-3:123456789012:function:reindex", "Alias": "products", "Replicas": "0",
		},
	}
	var reason string
	if err := st.lambda("reindex").Invoke(ctx, event, &reason); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(responses) != 1 || responses[0]["Status"] != "SUCCESS" {
		t.Fatalf("CloudFormation got %v (reason %q), want one SUCCESS", responses, reason)
	}
	if n := st.indexCount(); n != 0 {
		t.Errorf("new index counts %d", n)
	}
	if _, err := st.index.Search(ctx, catalog.Query{Page: 1, Size: 10}); err != nil {
		t.Errorf("search after the setup: %v", err)
	}
	if status, body := st.api("/v1/health", nil); status != http.StatusOK {
		t.Errorf("health after the setup: %d %s", status, body)
	}
}

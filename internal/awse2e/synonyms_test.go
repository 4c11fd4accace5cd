package awse2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// TestDeploymentSynonymsFile rolls out a deployment's synonyms file the way
// docs/deploy.md tells: the Lambdas get CATALOG_SYNONYMS_FILE (the index
// was built before, with the built-in rules); the indexer binary's cold
// start puts the file's rules into the index template; the reindex binary
// builds an index with them; then a query that only the file's multi-word
// rule matches finds the product through the api binary.
func TestDeploymentSynonymsFile(t *testing.T) {
	st := newStack(t)
	file := filepath.Join(t.TempDir(), contract.SynonymsFileInBundle)
	if err := os.WriteFile(file, []byte("# this deployment's rules\nbarre de son, barre-de-son, soundbar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st.lambdaEnv = append(st.lambdaEnv, contract.EnvSynonymsFile+"="+file)

	st.upload("incoming/acme/audio.csv", "Référence;Désignation;Marque;Famille;Prix unitaire HT\n"+
		"SB300;Soundbar Acme 300;Acme;Audio > Enceintes;199,00\nHP20;Enceinte Acme 20;Acme;Audio > Enceintes;49,00\n")
	if resp, failed := st.pipeline(1); len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	alias := st.index.Alias()
	tmpl := getJSON(t, env.openSearch+"/_index_template/"+alias+"-template")
	if !strings.Contains(tmpl, "barre de son => barredeson") {
		t.Fatalf("after the indexer's cold start the template lacks the file's rule: %s", tmpl)
	}

	var res struct {
		Indexed, Documents int
	}
	if err := st.lambda("reindex").Invoke(t.Context(), map[string]any{}, &res); err != nil {
		t.Fatal(err)
	}
	if res.Documents != 2 {
		t.Fatalf("reindex answered %+v, want 2 documents", res)
	}
	for _, q := range []string{"barre de son", "soundbar acme"} {
		got := st.search(url.Values{"q": {q}})
		if got.Total != 1 || got.Hits[0].Product.ID != "acme:SB300" {
			t.Errorf("search %q through the api binary found %+v, want acme:SB300 alone", q, got.Hits)
		}
	}
}

// TestBadSynonymsFileStopsTheColdStart: an api binary whose synonyms file
// has a bad line fails its init with the file and the line, instead of
// serving with the built-in rules.
func TestBadSynonymsFileStopsTheColdStart(t *testing.T) {
	st := newStack(t)
	file := filepath.Join(t.TempDir(), contract.SynonymsFileInBundle)
	if err := os.WriteFile(file, []byte("sofa => canape\nbarre de son => sound bar\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := awstest.StartLambda(t.Context(), env.binaries["api"], append(st.lambdaEnv, contract.EnvSynonymsFile+"="+file))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Stop)
	if err := l.Invoke(t.Context(), map[string]any{"httpMethod": "GET", "path": "/v1/health"}, nil); err == nil {
		t.Fatal("the api served with a bad synonyms file")
	}
	// The emulator answers the failed invocation before it has copied all
	// of the binary's output: on a loaded machine the init error line
	// comes a moment later.
	wants := []string{file, "synonyms line 2", contract.EnvSynonymsFile}
	hasAll := func() bool {
		for _, want := range wants {
			if !strings.Contains(l.Log(), want) {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(10 * time.Second); !hasAll() && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	for _, want := range wants {
		if !strings.Contains(l.Log(), want) {
			t.Errorf("init log lacks %q:\n%s", want, tail(l.Log(), 2000))
		}
	}
}

// getJSON returns the body of a GET on the test node.
func getJSON(t *testing.T, u string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !json.Valid(b) {
		t.Fatalf("GET %s: %d %v %s", u, resp.StatusCode, err, b)
	}
	return string(b)
}

package awse2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// catalogCSV writes a supplier CSV of keys [from, to) minus removed, with
// renamed keys called "Tabouret haut" instead of "Chaise pliante".
func catalogCSV(from, to int, removed, renamed map[int]bool) string {
	var b strings.Builder
	b.WriteString("Référence;Désignation;Marque;Famille;Prix unitaire HT\n")
	for i := from; i < to; i++ {
		if removed[i] {
			continue
		}
		name := fmt.Sprintf("Chaise pliante modèle K%03d", i)
		if renamed[i] {
			name = fmt.Sprintf("Tabouret haut modèle K%03d", i)
		}
		fmt.Fprintf(&b, "K%03d;%s;Mobilia;Maison > Jardin;%d,50\n", i, name, 10+i)
	}
	return b.String()
}

func keys(from, to int) map[int]bool {
	m := map[int]bool{}
	for i := from; i < to; i++ {
		m[i] = true
	}
	return m
}

// TestEndToEnd: a file put into S3 is found by a search through the api
// binary, after S3 -> SQS -> ingest binary -> DynamoDB -> Stream -> indexer
// binary -> OpenSearch; a second upload with changes and removals
// converges, and the store and the index agree.
func TestEndToEnd(t *testing.T) {
	st := newStack(t)
	st.upload("incoming/acme/catalogue été.csv", catalogCSV(0, 50, nil, nil))
	resp, failed := st.pipeline(1)
	if len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("first upload: ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	if n := len(st.storeIDs("acme")); n != 50 {
		t.Fatalf("DynamoDB holds %d products, want 50", n)
	}
	res := st.search(url.Values{"q": {"chaise"}, "partner": {"acme"}})
	if res.Total != 50 {
		t.Fatalf("search 'chaise' found %d, want 50", res.Total)
	}
	status, body := st.api("/v1/products/"+url.PathEscape("acme:K007"), nil)
	if status != 200 || !strings.Contains(string(body), "modèle K007") {
		t.Fatalf("product K007: %d %s", status, body)
	}

	// Second upload, same file name: 5 renamed, 5 removed (under the 20%
	// removal guard), 3 added.
	st.upload("incoming/acme/catalogue été.csv", catalogCSV(0, 53, keys(45, 50), keys(0, 5)))
	resp, failed = st.pipeline(1)
	if len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("second upload: ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	ids := st.storeIDs("acme")
	if len(ids) != 48 {
		t.Fatalf("DynamoDB holds %d products after the second upload, want 48", len(ids))
	}
	if p := ids["acme:K003"]; p.Version != 2 || !strings.Contains(p.Name, "Tabouret") {
		t.Fatalf("renamed product stored as %q version %d", p.Name, p.Version)
	}
	if p := ids["acme:K010"]; p.Version != 1 {
		t.Fatalf("unchanged product rewritten: version %d", p.Version)
	}
	if n := st.indexCount(); n != len(ids) {
		t.Fatalf("OpenSearch holds %d documents, DynamoDB %d products", n, len(ids))
	}
	for _, tc := range []struct {
		q    string
		want int
	}{{"tabouret", 5}, {"chaise", 43}, {"K047", 0}, {"K051", 1}} {
		if got := st.search(url.Values{"q": {tc.q}}).Total; got != tc.want {
			t.Errorf("search %q found %d, want %d", tc.q, got, tc.want)
		}
	}
	if status, _ := st.api("/v1/products/"+url.PathEscape("acme:K047"), nil); status != 404 {
		t.Errorf("removed product K047: status %d, want 404", status)
	}
	status, body = st.api("/v1/health", nil)
	if status != 200 || !strings.Contains(string(body), `"products":48`) {
		t.Errorf("health: %d %s", status, body)
	}
	status, body = st.apiAs(st.partnerKey("acme"), "GET", "/v1/catalogs", url.Values{"partner": {"acme"}}, "")
	if status != 200 || strings.Count(string(body), `"status":"done"`) < 2 {
		t.Errorf("catalogs: %d %s", status, body)
	}
}

// TestReindexLambda rebuilds the index from the table with the reindex
// binary: a new index behind the alias holds every stored product, and
// searches through the api binary keep working.
func TestReindexLambda(t *testing.T) {
	st := newStack(t)
	st.upload("incoming/acme/r.csv", catalogCSV(0, 30, nil, nil))
	st.pipeline(1)
	// A product the index lost (as after a domain restore): reindex heals it.
	if err := st.index.Delete(t.Context(), []string{"acme:K005"}); err != nil {
		t.Fatal(err)
	}
	if n := st.indexCount(); n != 29 {
		t.Fatalf("index holds %d before the reindex, want 29", n)
	}
	var res struct {
		Indexed   int `json:"indexed"`
		Documents int `json:"documents"`
	}
	if err := st.lambda("reindex").Invoke(t.Context(), map[string]any{}, &res); err != nil {
		t.Fatal(err)
	}
	if res.Indexed != 30 || res.Documents != 30 {
		t.Fatalf("reindex answered %+v, want 30 indexed and 30 documents", res)
	}
	if n := st.indexCount(); n != 30 {
		t.Fatalf("index holds %d after the reindex, want 30", n)
	}
	if got := st.search(url.Values{"q": {"K005"}}).Total; got != 1 {
		t.Fatalf("search K005 after the reindex found %d", got)
	}
}

// TestUploadThroughTheAPI: POST /v1/catalogs on the api binary returns a
// presigned S3 POST; the partner's form upload to it lands in the bucket,
// flows through the pipeline, and the catalog id the API returned ends done.
// The partner's key is read by the api Lambda from the bucket.
func TestUploadThroughTheAPI(t *testing.T) {
	st := newStack(t)
	key := st.partnerKey("acme")
	if status, body := st.apiDo("POST", "/v1/catalogs", nil, `{"file":"tarif hiver.csv"}`); status != 401 || !strings.Contains(string(body), `"unauthorized"`) {
		t.Fatalf("POST /v1/catalogs without a key: %d %s", status, body)
	}
	if status, body := st.apiAs(st.partnerKey("globex"), "POST", "/v1/catalogs", nil, `{"partner":"acme","file":"tarif hiver.csv"}`); status != 403 {
		t.Fatalf("POST /v1/catalogs for acme with globex's key: %d %s", status, body)
	}
	status, body := st.apiAs(key, "POST", "/v1/catalogs", nil, `{"partner":"acme","file":"tarif hiver.csv"}`)
	if status != 201 {
		t.Fatalf("POST /v1/catalogs: %d %s", status, body)
	}
	var slot intake.UploadSlot
	if err := json.Unmarshal(body, &slot); err != nil {
		t.Fatal(err)
	}
	if slot.Upload.Method != "POST" || slot.Upload.MaxBytes != 104857600 || slot.Upload.Fields["policy"] == "" {
		t.Fatalf("upload slot %s", body)
	}
	if err := slot.Upload.Send(t.Context(), http.DefaultClient, slot.Upload.URL, "tarif hiver.csv", strings.NewReader(catalogCSV(0, 12, nil, nil))); err != nil {
		t.Fatalf("form upload to the presigned POST: %v", err)
	}
	if r, failed := st.pipeline(1); len(r.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("pipeline failures %v %v", r.BatchItemFailures, failed)
	}
	status, body = st.apiAs(key, "GET", "/v1/catalogs/"+slot.CatalogID, nil, "")
	if status != 200 || !strings.Contains(string(body), `"status":"done"`) || !strings.Contains(string(body), `"accepted":12`) {
		t.Fatalf("catalog %s: %d %s", slot.CatalogID, status, body)
	}
	if got := st.search(url.Values{"q": {"chaise"}}).Total; got != 12 {
		t.Fatalf("search found %d of the 12 uploaded products", got)
	}
}

// TestWrongMethodThroughTheLambda: a method no route takes, which the
// REST API's ANY methods (stacks/api.go) pass to the api Lambda, is
// answered by the api binary under the emulator as openapi.json says: 405,
// Allow and the coded body. A keyless call to a partner route is 401 from
// the Lambda itself (the ANY methods require no key). API Gateway cannot
// run here: the events are those it sends; the gateway's own answers are
// checked on the template (stacks, TestAPIAnswersAsItsDocument).
func TestWrongMethodThroughTheLambda(t *testing.T) {
	st := newStack(t)
	resp := st.apiResponse("", "DELETE", "/v1/search", nil, "")
	allow := http.Header(resp.MultiValueHeaders).Get("Allow")
	if resp.StatusCode != 405 || allow != "GET, HEAD" || !strings.Contains(resp.Body, `{"error":{"code":"not_allowed"`) {
		t.Fatalf("DELETE /v1/search: %d Allow %q %s", resp.StatusCode, allow, resp.Body)
	}
	resp = st.apiResponse("", "GET", "/v1/catalogs/cat-1/confirm", nil, "")
	if allow := http.Header(resp.MultiValueHeaders).Get("Allow"); resp.StatusCode != 405 || allow != "POST" {
		t.Fatalf("GET /v1/catalogs/cat-1/confirm: %d Allow %q %s", resp.StatusCode, allow, resp.Body)
	}
	if status, body := st.apiDo("HEAD", "/v1/catalogs", nil, ""); status != 401 {
		t.Fatalf("HEAD /v1/catalogs without a key: %d %s", status, body)
	}
}

// TestIngestFileLargerThanLambdaMemory ingests a file larger than the
// smallest Lambda memory size (128 MB) with the ingest binary: S3 reads
// and the rejected-rows upload stream, so the process's peak resident
// memory stays well below the file's size.
func TestIngestFileLargerThanLambdaMemory(t *testing.T) {
	st := newStack(t)
	const fileBytes = 160 << 20
	var b strings.Builder
	b.Grow(fileBytes + 1<<20)
	b.WriteString(catalogCSV(0, 3, nil, nil))
	rejected := 0
	for b.Len() < fileBytes {
		// No reference: each row is rejected (and listed in the rejected-rows CSV).
		fmt.Fprintf(&b, ";Produit sans référence numéro %08d;Mobilia;Maison > Jardin;12,50\n", rejected)
		rejected++
	}
	st.upload("incoming/acme/huge.csv", b.String())
	size := b.Len()
	b = strings.Builder{}
	st.lambdaEnv = append(st.lambdaEnv, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128")
	if r := st.ingest(st.receive(1)); len(r.BatchItemFailures) != 0 {
		t.Fatalf("ingest failures %+v", r.BatchItemFailures)
	}
	peak, err := st.lambdas["ingest"].PeakRSS()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ingested %d MB (%d rejected rows) with a peak RSS of %d MB", size>>20, rejected, peak>>20)
	if peak >= 128<<20 {
		t.Fatalf("peak RSS %d MB for a %d MB file: over 128 MB, the file is not streamed", peak>>20, size>>20)
	}
	cats, err := st.store.ListCatalogs(t.Context(), "acme", 1)
	if err != nil || len(cats) != 1 || cats[0].Report == nil {
		t.Fatalf("catalogs %+v %v", cats, err)
	}
	if r := cats[0].Report; r.Accepted != 3 || r.Rejected != rejected || r.Rows != rejected+3 {
		t.Fatalf("report: rows %d accepted %d rejected %d; want %d, 3, %d", r.Rows, r.Accepted, r.Rejected, rejected+3, rejected)
	}
	if n := len(st.storeIDs("acme")); n != 3 {
		t.Fatalf("store holds %d products, want 3", n)
	}
}

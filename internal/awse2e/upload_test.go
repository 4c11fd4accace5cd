package awse2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// lambdaRequestCap is the largest synchronous Lambda request (and
// answer): a file of more than this cannot pass through the PHP site's or
// the api's function.
const lambdaRequestCap = 6 << 20

// TestLargeUploadStraightToS3: a partner's file of more than the 6 MB a
// Lambda request may carry goes from a plain HTTP client (as the partner's
// browser does, no AWS credentials) to S3 through the presigned POST of
// an upload slot; the catalog the slot announced is created and ingested;
// its rejected rows, also over 6 MB, are answered by the api binary with a
// 303 to a short-lived presigned GET that the client follows without the
// partner's key, so neither file passes through a Lambda.
func TestLargeUploadStraightToS3(t *testing.T) {
	st := newStack(t)
	key := st.partnerKey("acme")
	slot, size, rejected := uploadOverTheCap(t, st, key)

	if r, failed := st.pipeline(1); len(r.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("pipeline failures %v %v", r.BatchItemFailures, failed)
	}
	status, body := st.apiAs(key, "GET", "/v1/catalogs/"+slot.CatalogID, nil, "")
	want := fmt.Sprintf(`"accepted":12,"rejected":%d`, rejected)
	if status != 200 || !strings.Contains(string(body), `"status":"done"`) || !strings.Contains(string(body), want) {
		t.Fatalf("catalog %s: %d %s, want done with %s", slot.CatalogID, status, body, want)
	}
	if got := st.search(url.Values{"q": {"chaise"}}).Total; got != 12 {
		t.Fatalf("search found %d of the 12 uploaded products", got)
	}

	csvBytes := readRejectedThroughRedirect(t, st, key, slot.CatalogID, rejected)
	t.Logf("uploaded %d bytes with the presigned POST; rejected rows (%d, %d bytes) read through a presigned GET", size, rejected, csvBytes)
	// Another partner's key gets no URL.
	if r := st.apiResponse(st.partnerKey("globex"), "GET", "/v1/catalogs/"+slot.CatalogID+"/rejected.csv", nil, ""); r.StatusCode != http.StatusNotFound || r.Headers["Location"] != "" {
		t.Fatalf("globex asking for acme's rejected rows: %d %v", r.StatusCode, r.Headers)
	}
}

// uploadOverTheCap asks for an upload slot with key and sends it, as a
// plain HTTP client, a file of more than the Lambda cap: 12 products, then
// rows without a reference (rejected) up to 7 MiB. It checks the object
// landed whole and returns the slot, the file's size and the rejected rows.
func uploadOverTheCap(t *testing.T, st *stack, key string) (intake.UploadSlot, int, int) {
	t.Helper()
	status, body := st.apiAs(key, "POST", "/v1/catalogs", nil, `{"file":"tarif complet.csv"}`)
	if status != 201 {
		t.Fatalf("POST /v1/catalogs: %d %s", status, body)
	}
	var slot intake.UploadSlot
	if err := json.Unmarshal(body, &slot); err != nil || slot.Upload.Method != "POST" {
		t.Fatalf("upload slot %s: %v", body, err)
	}
	var file strings.Builder
	file.WriteString(catalogCSV(0, 12, nil, nil))
	rejected := 0
	for file.Len() <= 7<<20 {
		fmt.Fprintf(&file, ";Produit sans référence numéro %08d;Mobilia;Maison > Jardin;12,50\n", rejected)
		rejected++
	}
	if file.Len() <= lambdaRequestCap {
		t.Fatalf("file of %d bytes: not over the Lambda cap", file.Len())
	}
	// A plain client, no AWS credentials: the form's policy is the grant.
	if err := slot.Upload.Send(t.Context(), http.DefaultClient, slot.Upload.URL, "tarif complet.csv", strings.NewReader(file.String())); err != nil {
		t.Fatalf("presigned POST of %d bytes: %v", file.Len(), err)
	}
	head, err := st.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(st.bucket()), Key: aws.String(slot.Key)})
	if err != nil || aws.ToInt64(head.ContentLength) != int64(file.Len()) {
		t.Fatalf("object %s: %v, %v bytes, want %d", slot.Key, err, head, file.Len())
	}
	return slot, file.Len(), rejected
}

// readRejectedThroughRedirect asks the api binary for the catalog's
// rejected rows: it must answer a 303 to a 5-minute presigned GET, never
// the file, and that URL must give the whole CSV (over the Lambda cap)
// without the partner's key. It returns the CSV's size.
func readRejectedThroughRedirect(t *testing.T, st *stack, key, catalogID string, rejected int) int {
	t.Helper()
	r := st.apiResponse(key, "GET", "/v1/catalogs/"+catalogID+"/rejected.csv", nil, "")
	loc := r.Headers["Location"]
	if loc == "" && r.MultiValueHeaders["Location"] != nil {
		loc = r.MultiValueHeaders["Location"][0]
	}
	if r.StatusCode != http.StatusSeeOther || loc == "" || len(r.Body) > 4096 {
		t.Fatalf("rejected.csv: %d %v %d bytes", r.StatusCode, r.Headers, len(r.Body))
	}
	u, err := url.Parse(loc)
	if err != nil || u.Query().Get("X-Amz-Expires") != "300" || u.Query().Get("X-Amz-Signature") == "" ||
		!strings.HasSuffix(u.Path, "/reports/"+catalogID+"/rejected.csv") {
		t.Fatalf("Location %q: not a 5-minute presigned GET of the report (%v)", loc, err)
	}
	get, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(get.Body)
	_ = get.Body.Close()
	if get.StatusCode != 200 || len(csv) <= lambdaRequestCap || !strings.HasPrefix(string(csv), "ingest_error") ||
		get.Header.Get("Content-Disposition") != `attachment; filename="`+catalogID+`-rejected.csv"` {
		t.Fatalf("presigned GET: %d, %d bytes, %v", get.StatusCode, len(csv), get.Header)
	}
	if n := strings.Count(string(csv), "\n"); n != rejected+1 {
		t.Fatalf("rejected.csv has %d lines, want %d rows and a header", n, rejected)
	}
	return len(csv)
}

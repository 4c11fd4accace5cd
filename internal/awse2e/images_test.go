package awse2e

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// receiveImages waits for at least want messages of the images queue and
// returns them as the images Lambda's SQS event, without deleting them.
func (st *stack) receiveImages(want int) events.SQSEvent {
	st.t.Helper()
	var ev events.SQSEvent
	deadline := time.Now().Add(20 * time.Second)
	for len(ev.Records) < want && time.Now().Before(deadline) {
		out, err := st.sqs.ReceiveMessage(st.t.Context(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(st.imagesURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 600,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			st.t.Fatal(err)
		}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle), Body: aws.ToString(m.Body),
				Attributes: m.Attributes, EventSource: "aws:sqs", EventSourceARN: "arn:aws:sqs:" + "eu-west-3:123456789012:images.fifo",
			})
		}
	}
	if len(ev.Records) < want {
		st.t.Fatalf("%d messages on the images queue after 20s, want %d", len(ev.Records), want)
	}
	return ev
}

// fetchImages hands ev to the images binary and, as the event source
// mapping does, deletes the messages it did not report as failed.
func (st *stack) fetchImages(ev events.SQSEvent) events.SQSEventResponse {
	st.t.Helper()
	var resp events.SQSEventResponse
	if err := st.lambda("images").Invoke(st.t.Context(), ev, &resp); err != nil {
		st.t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, m := range ev.Records {
		if !failed[m.MessageId] {
			if _, err := st.sqs.DeleteMessage(st.t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(st.imagesURL), ReceiptHandle: aws.String(m.ReceiptHandle)}); err != nil {
				st.t.Fatal(err)
			}
		}
	}
	return resp
}

// photoCatalog is a supplier CSV whose products' photos are the demo
// pictures of kinds on the image server at base, plus one URL the server
// does not have and one on the metadata endpoint.
func photoCatalog(base string, kinds []string) string {
	var csv strings.Builder
	csv.WriteString("Référence;Désignation;Marque;Famille;Prix unitaire HT;Photo\n")
	for i, k := range kinds {
		fmt.Fprintf(&csv, "K%03d;Article %s;Mobilia;Bureau;%d,50;%s/%s/%02x4080/%d.png\n", i, k, 10+i, base, k, 16*i, i)
	}
	csv.WriteString("K100;Article perdu;Mobilia;Bureau;5,00;" + base + "/nothing/000000/x.png\n")
	csv.WriteString("K101;Article interne;Mobilia;Bureau;5,00;http://169.254.169.254/latest/meta-data/x.png\n")
	return csv.String()
}

// checkPictures checks that the first n products (K000...) carry picture
// keys whose sizes are in the bucket under images/, as JPEG under SSE-S3,
// and that the two products whose URLs failed have none.
func (st *stack) checkPictures(products map[string]catalog.Product, n int) {
	t := st.t
	t.Helper()
	for i := range n {
		p := products[fmt.Sprintf("acme:K%03d", i)]
		if len(p.Pictures) != 1 || len(p.Pictures[0].Widths) == 0 {
			t.Fatalf("%s pictures %+v", p.ID, p.Pictures)
		}
		for _, w := range p.Pictures[0].Widths {
			key := p.Pictures[0].SizeKey(w)
			if !strings.HasPrefix(key, contract.ImagesPrefix) || !images.ValidSizeKey(key) {
				t.Fatalf("%s: size key %q", p.ID, key)
			}
			head, err := st.s3.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(st.bucket()), Key: aws.String(key)})
			if err != nil {
				t.Fatalf("%s: %s not in the bucket: %v", p.ID, key, err)
			}
			if aws.ToString(head.ContentType) != "image/jpeg" || head.ServerSideEncryption != s3types.ServerSideEncryptionAes256 {
				t.Errorf("%s: Content-Type %q, encryption %q; want image/jpeg under SSE-S3", key, aws.ToString(head.ContentType), head.ServerSideEncryption)
			}
		}
	}
	for _, id := range []string{"acme:K100", "acme:K101"} {
		if p := products[id]; len(p.Pictures) != 0 {
			t.Errorf("%s has pictures %+v", id, p.Pictures)
		}
	}
}

// checkImagesReport checks the images report on acme's catalog: fetched
// pictures, the 404 and the refused metadata endpoint.
func (st *stack) checkImagesReport(fetched int) {
	t := st.t
	t.Helper()
	cats, err := st.store.ListCatalogs(t.Context(), "acme", 10)
	if err != nil || len(cats) != 1 || cats[0].Images == nil {
		t.Fatalf("catalog %+v, %v: want the images report on it", cats, err)
	}
	reasons := map[string]string{}
	for _, f := range cats[0].Images.Failures {
		reasons[f.Product] = f.Reason
	}
	if rep := cats[0].Images; rep.Fetched != fetched || rep.Failed != 2 ||
		reasons["acme:K100"] != images.ReasonHTTPStatus || reasons["acme:K101"] != images.ReasonBlocked {
		t.Errorf("images report %+v", rep)
	}
}

// TestImagesEndToEnd: a catalog whose image URLs point at a partner's
// image server (the demo's drawn pictures on a local test server) goes
// S3 -> SQS -> ingest binary, which writes the products (searchable at
// once, without pictures) and sends one message to the images queue; the
// images binary takes it, fetches each picture once, writes the derived
// sizes into the moto bucket under images/ (JPEG, SSE-S3: what CloudFront
// reads through origin access control) and sets the products' picture
// keys, which reach the index through the stream and the API's answers.
// A URL on the metadata endpoint is refused although the test allows its
// own loopback server; a 404 is reported. The same message delivered
// again asks the image server nothing.
func TestImagesEndToEnd(t *testing.T) {
	st := newStack(t)
	var requests atomic.Int64
	pics := demogen.ImageHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		pics.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	// Test only: the images binary may reach this one loopback server.
	st.lambdaEnv = append(st.lambdaEnv, contract.EnvTestImageHosts+"="+srv.Listener.Addr().(*net.TCPAddr).String())

	kinds := []string{"pen", "stapler", "scissors", "camera"}
	st.upload("incoming/acme/photos.csv", photoCatalog(srv.URL, kinds))
	resp, failed := st.pipeline(1)
	if len(resp.BatchItemFailures) != 0 || len(failed) != 0 {
		t.Fatalf("ingest failures %v, indexer failures %v", resp.BatchItemFailures, failed)
	}
	// Searchable before any picture was fetched.
	if got := st.search(url.Values{"q": {"article"}}).Total; got != 6 || requests.Load() != 0 {
		t.Fatalf("before the images run: search found %d of 6, image server asked %d times", got, requests.Load())
	}

	ev := st.receiveImages(1)
	if len(ev.Records) != 1 || !strings.Contains(ev.Records[0].Body, `"partner":"acme"`) {
		t.Fatalf("images queue: %+v, want one message for acme", ev.Records)
	}
	if r := st.fetchImages(ev); len(r.BatchItemFailures) != 0 {
		t.Fatalf("images binary reported %v", r.BatchItemFailures)
	}
	if n := requests.Load(); n != int64(len(kinds))+1 {
		t.Errorf("the image server was asked %d times, want %d (each URL once)", n, len(kinds)+1)
	}

	products := st.storeIDs("acme")
	st.checkPictures(products, len(kinds))
	st.checkImagesReport(len(kinds))
	if log := st.lambdas["images"].Log(); !strings.Contains(log, `"`+contract.MetricImageURLs+`":6`) || !strings.Contains(log, `"`+contract.MetricImageFailures+`":2`) {
		t.Errorf("the images binary emitted no metric line of 6 URLs, 2 failures:\n%s", tail(log, 3000))
	}

	// The pictures reach the index and the API.
	if failed := st.indexRecords(st.streamRecords(), 100); len(failed) != 0 {
		t.Fatalf("indexer failures %v", failed)
	}
	status, body := st.api("/v1/products/"+url.PathEscape("acme:K002"), nil)
	if k := products["acme:K002"].Pictures[0].Key; status != 200 || !strings.Contains(string(body), k) {
		t.Errorf("product K002: %d %s, want its picture key %s", status, body, k)
	}

	// Delivered twice: the second run asks the image server nothing.
	before := requests.Load()
	again := events.SQSEvent{Records: []events.SQSMessage{{MessageId: "again", Body: ev.Records[0].Body, EventSource: "aws:sqs"}}}
	var r2 events.SQSEventResponse
	if err := st.lambda("images").Invoke(t.Context(), again, &r2); err != nil || len(r2.BatchItemFailures) != 0 {
		t.Fatalf("second delivery: %+v, %v", r2, err)
	}
	if n := requests.Load() - before; n != 0 {
		t.Errorf("the second delivery asked the image server %d times", n)
	}
	if p := st.storeIDs("acme")["acme:K000"]; p.Version != products["acme:K000"].Version {
		t.Errorf("the second delivery rewrote K000 (version %d -> %d)", products["acme:K000"].Version, p.Version)
	}
}

package ingestfn_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/ingestfn"
	"github.com/catalogsearch/catalogsearch/internal/awstest"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// moto serves SQS for the images queue tests; nil (those tests skip) when
// moto_server is not installed, unless AWSTEST_REQUIRED=1 (make test-aws).
var moto *awstest.Moto

func TestMain(m *testing.M) {
	os.Exit(awstest.MainMoto(m, func(srv *awstest.Moto) int {
		moto = srv
		return m.Run()
	}))
}

const withImages = `sku,name,brand,category,price,currency,image
CH-001,Chaise pliante,Acme,Maison > Jardin,12.50,EUR,https://img.example/ch1.jpg
TB-002,Table basse,Acme,Maison > Salon,149.90,EUR,https://img.example/tb2.jpg
LP-003,Lampe,Brightly,Maison > Bureau,19.99,EUR,https://img.example/lp3.jpg
`

func notification(key string) string {
	return `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
"s3":{"bucket":{"name":"catalog-files"},"object":{"key":"` + key + `","size":1,"eTag":"e"}}}]}`
}

func batch(id, body string) events.SQSEvent {
	return events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: body, EventSource: "aws:sqs"}}}
}

// fifoQueue creates a FIFO queue on moto, as the Data stack's images queue.
func fifoQueue(t *testing.T, client *sqs.Client) string {
	t.Helper()
	out, err := client.CreateQueue(t.Context(), &sqs.CreateQueueInput{
		QueueName:  aws.String(fmt.Sprintf("images-%d.fifo", time.Now().UnixNano())),
		Attributes: map[string]string{"FifoQueue": "true"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return *out.QueueUrl
}

// drain receives every message of the queue (deleting them).
func drain(t *testing.T, client *sqs.Client, url string) []sqstypes.Message {
	t.Helper()
	var all []sqstypes.Message
	for {
		out, err := client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return all
		}
		for _, m := range out.Messages {
			all = append(all, m)
			if _, err := client.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// imagesEnv is an ingest handler on the embedded adapters whose image
// runs go to a FIFO queue on moto.
type imagesEnv struct {
	client   *sqs.Client
	queueURL string
	store    catalog.Store
	blobs    catalog.Blobs
	svc      *ingest.Service
	h        *awslambda.IngestQueueHandler
}

func newImagesEnv(t *testing.T) *imagesEnv {
	t.Helper()
	awstest.Require(t, moto)
	e := &imagesEnv{client: sqs.NewFromConfig(moto.Config())}
	e.queueURL = fifoQueue(t, e.client)
	e.store, e.blobs = embeddedtest.Open(t)
	e.svc = ingest.New(ingest.Deps{Store: e.store, Blobs: e.blobs, TempDir: t.TempDir()})
	e.h = e.handler(e.queueURL)
	return e
}

// handler is an ingest handler sending image runs to queueURL.
func (e *imagesEnv) handler(queueURL string) *awslambda.IngestQueueHandler {
	return &awslambda.IngestQueueHandler{Service: ingestfn.Service{Service: e.svc, Store: e.store,
		Images: &awslambda.ImageRunQueue{Queue: e.client, QueueURL: queueURL}}}
}

// deliver puts content at key and hands its notification to h as message
// id; it returns the ids h reported as failed.
func (e *imagesEnv) deliver(t *testing.T, h *awslambda.IngestQueueHandler, id, key, content string) int {
	t.Helper()
	if content != "" {
		if _, err := e.blobs.Put(t.Context(), key, strings.NewReader(content)); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := h.Handle(t.Context(), batch(id, notification(key)))
	if err != nil {
		t.Fatal(err)
	}
	return len(resp.BatchItemFailures)
}

// TestIngestQueuesOneImageRunPerCatalog: an applied catalog sends one
// message to the images queue (moto SQS, FIFO), after its products are
// written (they are in the store without pictures when the message is
// there), grouped by partner and deduplicated by catalog: the same S3
// notification delivered twice leaves one message.
func TestIngestQueuesOneImageRunPerCatalog(t *testing.T) {
	e := newImagesEnv(t)
	ctx := t.Context()
	if n := e.deliver(t, e.h, "m0", "incoming/acme/c.csv", withImages) + e.deliver(t, e.h, "m1", "incoming/acme/c.csv", ""); n != 0 {
		t.Fatalf("%d deliveries failed", n)
	}
	cats, err := e.store.ListCatalogs(ctx, "acme", 10)
	if err != nil || len(cats) != 1 || cats[0].Status != catalog.StatusDone {
		t.Fatalf("catalogs %+v, %v", cats, err)
	}
	msgs := drain(t, e.client, e.queueURL)
	if len(msgs) != 1 {
		t.Fatalf("%d messages on the images queue, want 1 per catalog", len(msgs))
	}
	var m contract.ImagesMessage
	if err := json.Unmarshal([]byte(aws.ToString(msgs[0].Body)), &m); err != nil || m != (contract.ImagesMessage{Catalog: cats[0].ID, Partner: "acme"}) {
		t.Fatalf("message %s (%v), want catalog %s of acme", aws.ToString(msgs[0].Body), err, cats[0].ID)
	}
	if g := msgs[0].Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)]; g != "acme" {
		t.Errorf("message group %q, want the partner", g)
	}
	n := 0
	for p, err := range e.store.Products(ctx, "acme") {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if len(p.Images) != 1 || len(p.Pictures) != 0 {
			t.Errorf("%s: images %v, pictures %v: want the URL stored, no picture yet", p.ID, p.Images, p.Pictures)
		}
	}
	if n != 3 {
		t.Fatalf("%d products", n)
	}
}

// TestRefusedFileQueuesNoImageRun: a refused file has nothing to fetch.
func TestRefusedFileQueuesNoImageRun(t *testing.T) {
	e := newImagesEnv(t)
	if _, err := e.blobs.Put(t.Context(), "incoming/acme/empty.csv", strings.NewReader("")); err != nil {
		t.Fatal(err)
	}
	if n := e.deliver(t, e.h, "m-empty", "incoming/acme/empty.csv", ""); n != 0 {
		t.Fatalf("empty file: %d failures", n)
	}
	cats, _ := e.store.ListCatalogs(t.Context(), "acme", 10)
	if len(cats) != 1 || cats[0].Status != catalog.StatusRefused {
		t.Fatalf("catalogs %+v, want one refused", cats)
	}
	if msgs := drain(t, e.client, e.queueURL); len(msgs) != 0 {
		t.Fatalf("a refused file queued %d image runs", len(msgs))
	}
}

// TestUnqueuedImageRunIsRetried: a queue that cannot be reached fails the
// ingest message, whose retry then sends the run, without ingesting the
// file again.
func TestUnqueuedImageRunIsRetried(t *testing.T) {
	e := newImagesEnv(t)
	if n := e.deliver(t, e.handler(e.queueURL+"-gone"), "m-b1", "incoming/bolt/b.csv", withImages); n != 1 {
		t.Fatalf("unreachable queue: %d failures, want the message retried", n)
	}
	if n := e.deliver(t, e.h, "m-b2", "incoming/bolt/b.csv", ""); n != 0 {
		t.Fatalf("retry: %d failures", n)
	}
	msgs := drain(t, e.client, e.queueURL)
	if len(msgs) != 1 || !strings.Contains(aws.ToString(msgs[0].Body), `"partner":"bolt"`) {
		t.Fatalf("after the retry: %d messages", len(msgs))
	}
	bolt, _ := e.store.ListCatalogs(t.Context(), "bolt", 10)
	if len(bolt) != 1 || bolt[0].Report == nil || bolt[0].Report.Created != 3 {
		t.Fatalf("bolt catalogs %+v: the retry must not ingest again", bolt)
	}
}

// rowsWithImages is a CSV of n products with one image URL each.
func rowsWithImages(n int) string {
	var b strings.Builder
	b.WriteString("sku,name,brand,category,price,currency,image\n")
	for i := range n {
		fmt.Fprintf(&b, "K%02d,Chaise %d,Acme,Maison,1%d.50,EUR,https://img.example/k%d.jpg\n", i, i, i, i)
	}
	return b.String()
}

// TestConfirmedCatalogQueuesItsImageRun: a held catalog (it removes 9 of
// 10 products) queues no run; confirmed, it does. When the send fails
// after the catalog was applied, the confirmation's redelivery (which
// finds the catalog done: a conflict) sends the run.
func TestConfirmedCatalogQueuesItsImageRun(t *testing.T) {
	e := newImagesEnv(t)
	ctx := t.Context()
	if n := e.deliver(t, e.h, "m1", "incoming/acme/v1.csv", rowsWithImages(10)); n != 0 {
		t.Fatalf("first file: %d failures", n)
	}
	drain(t, e.client, e.queueURL)
	if n := e.deliver(t, e.h, "m2", "incoming/acme/v2.csv", rowsWithImages(1)); n != 0 {
		t.Fatalf("second file: %d failures", n)
	}
	cats, _ := e.store.ListCatalogs(ctx, "acme", 1)
	if len(cats) != 1 || cats[0].Status != catalog.StatusNeedsConfirmation {
		t.Fatalf("newest catalog %+v, want needs_confirmation", cats)
	}
	if msgs := drain(t, e.client, e.queueURL); len(msgs) != 0 {
		t.Fatalf("a held catalog queued %d image runs", len(msgs))
	}
	confirm := batch("c1", `{"confirm_catalog":"`+cats[0].ID+`"}`)
	resp, err := e.handler(e.queueURL+"-gone").Handle(ctx, confirm)
	if err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("confirmation with the queue unreachable: %+v, %v: want it retried", resp, err)
	}
	if c, _ := e.store.GetCatalog(ctx, cats[0].ID); c.Status != catalog.StatusDone {
		t.Fatalf("catalog %s after the confirmation", c.Status)
	}
	if resp, err := e.h.Handle(ctx, confirm); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivered confirmation: %+v, %v", resp, err)
	}
	msgs := drain(t, e.client, e.queueURL)
	if len(msgs) != 1 || !strings.Contains(aws.ToString(msgs[0].Body), cats[0].ID) {
		t.Fatalf("after the redelivery: %d messages, want the confirmed catalog's run", len(msgs))
	}
}

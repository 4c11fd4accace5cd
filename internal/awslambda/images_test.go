package awslambda_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/catalogsearch/catalogsearch/internal/awslambda"
	"github.com/catalogsearch/catalogsearch/internal/awslambda/imagesfn"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/emf"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// failingStore is a store whose catalog reads fail as an unavailable
// table does (the real adapters' code for throttling and outages).
type failingStore struct{ catalog.Store }

func (failingStore) GetCatalog(context.Context, string) (catalog.Catalog, error) {
	return catalog.Catalog{}, catalog.Errorf(catalog.CodeUnavailable, "table unavailable")
}

func imagesEvent(bodies ...string) events.SQSEvent {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: "m" + string(rune('a'+i)), Body: b, EventSource: "aws:sqs"})
	}
	return ev
}

func failures(resp events.SQSEventResponse) string {
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return strings.Join(ids, ",")
}

// TestImagesQueueHandler runs the images Lambda's handler on the real
// image fetcher (embedded store and blobs, the demo's drawn pictures on a
// loopback server the test allows): a run stores the pictures, sets the
// products' keys and records the report on the catalog, and emits the
// URLs it settled and those that failed; the same message delivered again
// asks the server nothing more; an operator's refetch asks again.
func TestImagesQueueHandler(t *testing.T) {
	ctx := t.Context()
	store, blobs := embeddedtest.Open(t)
	var requests atomic.Int64
	pics := demogen.ImageHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		pics.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	addr := netip.MustParseAddrPort(srv.Listener.Addr().(*net.TCPAddr).String())
	svc := images.New(images.Deps{Store: store, Blobs: blobs, Fetcher: images.NewFetcher(images.FetchOptions{Allow: []netip.AddrPort{addr}})})
	var metrics bytes.Buffer
	h := &awslambda.ImagesQueueHandler{Runner: imagesfn.Runner{Service: svc}, Metrics: emf.New(&metrics, "dev")}

	if err := store.CreateCatalog(ctx, catalog.Catalog{ID: "c1", Partner: "acme", Status: catalog.StatusDone}); err != nil {
		t.Fatal(err)
	}
	_, err := store.PutProducts(ctx, []catalog.Product{
		{ID: "acme:1", Partner: "acme", Key: "1", Name: "Stylo", Hash: "h1", Images: []string{srv.URL + "/pen/1f4e79/1.png"}},
		{ID: "acme:2", Partner: "acme", Key: "2", Name: "Casque", Hash: "h2", Images: []string{srv.URL + "/earphones/c00000/2.png", srv.URL + "/nothing/000000/x.png"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.Handle(ctx, imagesEvent(`{"catalog":"c1","partner":"acme"}`))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("run: %+v, %v", resp, err)
	}
	for _, id := range []string{"acme:1", "acme:2"} {
		p, err := store.GetProduct(ctx, id)
		if err != nil || len(p.Pictures) != 1 || !images.ValidSizeKey(p.Pictures[0].SizeKey(p.Pictures[0].Widths[0])) {
			t.Fatalf("%s pictures %+v, %v", id, p.Pictures, err)
		}
		if _, err := blobs.Stat(ctx, p.Pictures[0].SizeKey(p.Pictures[0].Widths[0])); err != nil {
			t.Fatalf("%s: derived size not stored: %v", id, err)
		}
	}
	c, err := store.GetCatalog(ctx, "c1")
	if err != nil || c.Images == nil || c.Images.Fetched != 2 || c.Images.Failed != 1 {
		t.Fatalf("catalog report %+v, %v", c.Images, err)
	}
	line := metrics.String()
	if strings.Count(line, "\n") != 1 || !strings.Contains(line, `"ImageURLs":3`) || !strings.Contains(line, `"ImageFailures":1`) {
		t.Fatalf("metrics %q, want one line with 3 URLs, 1 failure", line)
	}

	// Delivered twice: nothing fetched again, the report stays.
	before := requests.Load()
	if resp, err := h.Handle(ctx, imagesEvent(`{"catalog":"c1","partner":"acme"}`)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("second delivery: %+v, %v", resp, err)
	}
	if n := requests.Load() - before; n != 0 {
		t.Errorf("the second delivery made %d requests", n)
	}
	if c2, _ := store.GetCatalog(ctx, "c1"); c2.Images == nil || c2.Images.Failed != 1 || len(c2.Images.Failures) != 1 {
		t.Errorf("the second delivery lost the failure of the report: %+v", c2.Images)
	}

	// An operator's refetch asks every URL again, unconditionally.
	before = requests.Load()
	if resp, err := h.Handle(ctx, imagesEvent(`{"catalog":"c1","partner":"acme","refetch":true}`)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("refetch: %+v, %v", resp, err)
	}
	if n := requests.Load() - before; n != 3 {
		t.Errorf("the refetch made %d requests, want 3", n)
	}

}

// TestImagesQueueHandlerFailures: a catalog that is gone is dropped; a
// message that is not an images message is reported (it ends in the DLQ);
// a store that is unavailable (throttled) is retried, with every later
// message of the FIFO batch.
func TestImagesQueueHandlerFailures(t *testing.T) {
	ctx := t.Context()
	store, blobs := embeddedtest.Open(t)
	h := &awslambda.ImagesQueueHandler{Runner: imagesfn.Runner{Service: images.New(images.Deps{Store: store, Blobs: blobs,
		Fetcher: images.NewFetcher(images.FetchOptions{})})}}
	for _, tc := range []struct {
		h      *awslambda.ImagesQueueHandler
		bodies []string
		want   string
	}{
		{h, []string{`{"catalog":"gone","partner":"acme"}`}, ""},
		{h, []string{`not json`}, "ma"},
		{h, []string{`{"partner":"acme"}`}, "ma"},
		{&awslambda.ImagesQueueHandler{Runner: imagesfn.Runner{Service: images.New(images.Deps{Store: failingStore{store}, Blobs: blobs,
			Fetcher: images.NewFetcher(images.FetchOptions{})})}},
			[]string{`{"catalog":"c1","partner":"acme"}`, `{"catalog":"c2","partner":"bolt"}`}, "ma,mb"},
	} {
		resp, err := tc.h.Handle(ctx, imagesEvent(tc.bodies...))
		if err != nil || failures(resp) != tc.want {
			t.Errorf("%v: failures %q (%v), want %q", tc.bodies, failures(resp), err, tc.want)
		}
	}
}

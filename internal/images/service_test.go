package images_test

import (
	"context"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// host is a partner's image server: ETags, conditional requests, and a
// log of what it was asked.
type host struct {
	*server
	mu      sync.Mutex
	content map[string][]byte // path → image
	full    int               // 200 answers
	notMod  int               // 304 answers
}

func newHost(t *testing.T) *host {
	h := &host{content: map[string][]byte{}}
	h.server = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		defer h.mu.Unlock()
		b, ok := h.content[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		etag := `"` + strings.TrimPrefix(r.URL.Path, "/") + "-" + string(rune('a'+len(b)%26)) + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			h.notMod++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.full++
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(b)
	})
	return h
}

func (h *host) counts() (full, notMod int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.full, h.notMod
}

type fixture struct {
	store catalog.Store
	blobs catalog.Blobs
	svc   *images.Service
	host  *host
}

func newFixture(t *testing.T) *fixture {
	st, bl := embeddedtest.Open(t)
	h := newHost(t)
	f := images.NewFetcher(images.FetchOptions{Allow: []netip.AddrPort{h.addr(t)}, Timeout: 5 * time.Second})
	return &fixture{store: st, blobs: bl, host: h, svc: images.New(images.Deps{Store: st, Blobs: bl, Fetcher: f})}
}

func (fx *fixture) put(t *testing.T, products ...catalog.Product) {
	t.Helper()
	if _, err := fx.store.PutProducts(t.Context(), products); err != nil {
		t.Fatal(err)
	}
}

func (fx *fixture) get(t *testing.T, id string) catalog.Product {
	t.Helper()
	p, err := fx.store.GetProduct(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func product(key, hash string, urls ...string) catalog.Product {
	return catalog.Product{ID: catalog.ProductID("acme", key), Partner: "acme", Key: key, Name: key, Hash: hash, Images: urls}
}

func TestRunFetchesStoresAndReports(t *testing.T) {
	fx := newFixture(t)
	big := jpegBytes(t, 1600, 1200)
	fx.host.content["/big.jpg"] = big
	fx.host.content["/same-as-big.jpg"] = big // same content, another URL
	fx.host.content["/small.jpg"] = jpegBytes(t, 300, 200)
	fx.host.content["/page.jpg"] = []byte("<!doctype html><p>Our new shop!</p>")
	fx.host.content["/bomb.png"] = bombPNG(60_000, 60_000)
	u := func(p string) string { return fx.host.URL + p }
	fx.put(t,
		product("a", "h1", u("/big.jpg"), u("/small.jpg")),
		product("b", "h2", u("/same-as-big.jpg"), u("/page.jpg"), u("/bomb.png"), u("/gone.jpg")),
		product("c", "h3", "http://169.254.169.254/latest/meta-data/"),
		product("d", "h4", u("/small.jpg")), // shares a URL with a
		product("e", "h5"),                  // no images
	)

	rep := fx.run(t, images.Options{})
	if rep.Products != 4 || rep.URLs != 7 || rep.Fetched != 2 || rep.Reused != 1 || rep.Failed != 4 || rep.Skipped != 0 {
		t.Fatalf("report %+v", rep)
	}
	checkFailureReasons(t, fx, rep.Failures)
	a := checkFirstPictures(t, fx)
	full, _ := fx.host.counts()

	// An unchanged catalog: not one request.
	rep2 := fx.run(t, images.Options{})
	if full2, nm2 := fx.host.counts(); full2 != full || nm2 != 0 || rep2.Fetched+rep2.Revalidated+rep2.Reused != 0 || rep2.Failed != 4 {
		t.Fatalf("second run asked the host (%d full, %d conditional): %+v", full2-full, nm2, rep2)
	}

	// A product rewritten by an ingest (pictures gone, same URL): one
	// conditional request, the same picture.
	a2 := a
	a2.Pictures, a2.Hash = nil, "h1b"
	fx.put(t, a2)
	rep3 := fx.run(t, images.Options{})
	if full3, nm3 := fx.host.counts(); full3 != full || nm3 != 2 || rep3.Revalidated != 2 {
		t.Fatalf("changed product: %d full, %d conditional requests, %+v; want 0 and 2", full3-full, nm3, rep3)
	}
	if got := fx.get(t, "acme:a").Pictures; !slices.EqualFunc(got, a.Pictures, func(x, y catalog.Picture) bool { return x.Key == y.Key }) {
		t.Fatalf("pictures after revalidation %+v; want %+v", got, a.Pictures)
	}

	// Refetch: every URL downloaded again, failed ones asked again too.
	rep4 := fx.run(t, images.Options{Refetch: true})
	if full4, _ := fx.host.counts(); full4-full != 5 || rep4.Fetched != 2 || rep4.Reused != 1 || rep4.Failed != 4 {
		t.Fatalf("refetch: %d full requests, %+v", full4-full, rep4)
	}
}

// run runs the service over acme's products.
func (fx *fixture) run(t *testing.T, o images.Options) catalog.ImageReport {
	t.Helper()
	rep, err := fx.svc.Run(t.Context(), "acme", o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// checkFailureReasons: each failed URL of the first run, with its reason,
// message and product.
func checkFailureReasons(t *testing.T, fx *fixture, failures []catalog.ImageFailure) {
	t.Helper()
	reasons := map[string]string{}
	for _, f := range failures {
		reasons[strings.TrimPrefix(f.URL, fx.host.URL)] = f.Reason
		if f.Message == "" || f.Product == "" {
			t.Errorf("failure without message or product: %+v", f)
		}
	}
	want := map[string]string{"/page.jpg": images.ReasonNotImage, "/bomb.png": images.ReasonTooManyPixels,
		"/gone.jpg": images.ReasonHTTPStatus, "http://169.254.169.254/latest/meta-data/": images.ReasonBlocked}
	for k, v := range want {
		if reasons[k] != v {
			t.Errorf("reason for %s: %q; want %q (all: %v)", k, reasons[k], v, reasons)
		}
	}
}

// checkFirstPictures: after the first run, a has its two pictures in
// every size, b shares a's first (same content), c none; it returns a.
func checkFirstPictures(t *testing.T, fx *fixture) catalog.Product {
	t.Helper()
	a, b := fx.get(t, "acme:a"), fx.get(t, "acme:b")
	if len(a.Pictures) != 2 || len(b.Pictures) != 1 || b.Pictures[0].Key != a.Pictures[0].Key || b.Pictures[0].Source != fx.host.URL+"/same-as-big.jpg" {
		t.Fatalf("pictures a %+v, b %+v", a.Pictures, b.Pictures)
	}
	if p := a.Pictures[0]; p.Width != 1600 || p.Height != 1200 || !slices.Equal(p.Widths, []int{160, 320, 480, 640, 1200}) ||
		!strings.HasPrefix(p.Key, images.PicturePrefix) || len(p.Key) != len(images.PicturePrefix)+64 {
		t.Fatalf("picture %+v", p)
	}
	if p := a.Pictures[1]; !slices.Equal(p.Widths, []int{160, 300}) {
		t.Fatalf("small picture widths %v; want [160 300]", p.Widths)
	}
	for _, p := range a.Pictures {
		for _, w := range p.Widths {
			if _, err := fx.blobs.Stat(t.Context(), p.SizeKey(w)); err != nil {
				t.Fatalf("size %s: %v", p.SizeKey(w), err)
			}
		}
	}
	if c := fx.get(t, "acme:c"); len(c.Pictures) != 0 {
		t.Fatalf("the blocked URL gave pictures %+v", c.Pictures)
	}
	return a
}

func TestRunBudget(t *testing.T) {
	fx := newFixture(t)
	var ps []catalog.Product
	for i := range 5 {
		p := "/" + string(rune('a'+i)) + ".jpg"
		fx.host.content[p] = jpegBytes(t, 50+i, 40)
		ps = append(ps, product(string(rune('a'+i)), "h", fx.host.URL+p))
	}
	fx.put(t, ps...)
	rep, err := fx.svc.Run(t.Context(), "acme", images.Options{MaxFetches: 2, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if full, _ := fx.host.counts(); rep.Fetched != 2 || rep.Skipped != 3 || full != 2 {
		t.Fatalf("budget of 2: %+v, %d requests", rep, full)
	}
	// The next run finishes the work.
	rep, err = fx.svc.Run(t.Context(), "acme", images.Options{})
	if err != nil || rep.Fetched != 3 || rep.Products != 3 {
		t.Fatalf("next run: %+v, %v", rep, err)
	}
}

func TestRunCatalogRecordsTheReport(t *testing.T) {
	fx := newFixture(t)
	ctx := t.Context()
	fx.put(t, product("a", "h", fx.host.URL+"/missing.jpg"))
	c := catalog.Catalog{ID: "cat-1", Partner: "acme", Key: "incoming/acme/f.csv", File: "f.csv", Status: catalog.StatusDone,
		ReceivedAt: time.Now().UTC(), Report: &catalog.Report{Status: catalog.StatusDone}}
	if err := fx.store.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.svc.RunCatalog(ctx, "cat-1", images.Options{}); err != nil {
		t.Fatal(err)
	}
	got, err := fx.store.GetCatalog(ctx, "cat-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Images == nil || got.Images.Failed != 1 || got.Images.Failures[0].Reason != images.ReasonHTTPStatus || got.Report == nil {
		t.Fatalf("catalog images report %+v", got.Images)
	}
	if _, err := fx.svc.RunCatalog(ctx, "nope", images.Options{}); !catalog.IsNotFound(err) {
		t.Fatalf("unknown catalog: %v", err)
	}
}

// TestRunWithNothingToDoKeepsTheReport: a second run over a catalog whose
// pictures are all there (a twice-queued run, the same file sent again)
// leaves the first run's report in place instead of an empty one.
func TestRunWithNothingToDoKeepsTheReport(t *testing.T) {
	fx := newFixture(t)
	ctx := t.Context()
	fx.host.content["/a.jpg"] = jpegBytes(t, 300, 200)
	fx.put(t, product("a", "h", fx.host.URL+"/a.jpg"))
	c := catalog.Catalog{ID: "cat-2", Partner: "acme", Key: "incoming/acme/f.csv", File: "f.csv", Status: catalog.StatusDone,
		ReceivedAt: time.Now().UTC(), Report: &catalog.Report{Status: catalog.StatusDone}}
	if err := fx.store.CreateCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	first, err := fx.svc.RunCatalog(ctx, "cat-2", images.Options{})
	if err != nil || first.Fetched != 1 {
		t.Fatalf("first run: %+v, %v", first, err)
	}
	second, err := fx.svc.RunCatalog(ctx, "cat-2", images.Options{})
	if err != nil || second.Products != 0 {
		t.Fatalf("second run: %+v, %v", second, err)
	}
	got, err := fx.store.GetCatalog(ctx, "cat-2")
	if err != nil || got.Images == nil || got.Images.Fetched != 1 {
		t.Fatalf("catalog images report after a run with nothing to do: %+v, %v", got.Images, err)
	}
}

func TestRunCancelled(t *testing.T) {
	fx := newFixture(t)
	fx.put(t, product("a", "h", fx.host.URL+"/a.jpg"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := fx.svc.Run(ctx, "acme", images.Options{}); err == nil {
		t.Fatal("a cancelled run reported success")
	}
}

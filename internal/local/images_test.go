package local_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/images"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

// TestIngestedCatalogGetsPictures: an uploaded catalog is searchable at
// once; Run then fetches its images from the demo image host (the only
// loopback address the fetcher may reach), stores their sizes, sets the
// products' pictures, indexes them, and serves the sizes under /images/.
// The same catalog sent again costs the image host no request.
func TestIngestedCatalogGetsPictures(t *testing.T) {
	ctx := t.Context()
	host, err := local.StartDemoImageHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	var hits atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, host.URL+r.URL.Path, http.StatusFound)
	}))
	defer counting.Close()
	dir := t.TempDir()
	s, err := local.Open(ctx, local.Options{Dir: dir, ImageFetch: images.FetchOptions{Allow: append(allowOf(t, counting.URL), host.Addr)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	go s.Run(ctx)

	path := filepath.Join(t.TempDir(), "cat.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demogen.Write(ctx, f, demogen.FormatCSV, demogen.Options{Seed: 3, Rows: 30, Profile: demogen.ProfileEnglishHardware,
		Headers: demogen.HeadersCanonical, Partner: "tools", ImageBase: counting.URL}); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	c, err := s.IngestFile(ctx, "tools", path, catalog.ModeFull, false) // queues the images for Run
	if err != nil || c.Status != catalog.StatusDone {
		t.Fatalf("ingest: %v %v", c.Status, err)
	}
	var withPictures []catalog.Product
	deadline := time.Now().Add(60 * time.Second)
	for {
		withPictures = withPictures[:0]
		res, err := s.Index.Search(ctx, catalog.Query{Size: 50, Filters: catalog.Filters{Partners: []string{"tools"}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			if len(h.Product.Pictures) > 0 {
				withPictures = append(withPictures, h.Product)
			}
		}
		if len(res.Hits) > 0 && len(withPictures) == len(res.Hits) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d products have pictures after 60s", len(withPictures), len(res.Hits))
		}
		time.Sleep(200 * time.Millisecond)
	}
	got, err := s.Store.GetCatalog(ctx, c.ID)
	if err != nil || got.Images == nil || got.Images.Failed != 0 || got.Images.Fetched == 0 {
		t.Fatalf("catalog images report %+v, %v", got.Images, err)
	}
	pic := withPictures[0].Pictures[0]
	rec := httptest.NewRecorder()
	s.Pictures().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/"+pic.SizeKey(pic.Widths[0]), nil))
	if rec.Code != http.StatusOK || images.Sniff(rec.Body.Bytes()) != "jpeg" {
		t.Fatalf("GET %s: %d, %q", pic.SizeKey(pic.Widths[0]), rec.Code, images.Sniff(rec.Body.Bytes()))
	}

	before := hits.Load()
	rep, err := s.FetchImages(ctx, c.ID, images.Options{})
	if err != nil || hits.Load() != before || rep.Products != 0 {
		t.Fatalf("second run: %+v, %v, %d requests", rep, err, hits.Load()-before)
	}
}

func allowOf(t *testing.T, rawURL string) []netip.AddrPort {
	t.Helper()
	return []netip.AddrPort{netip.MustParseAddrPort(strings.TrimPrefix(rawURL, "http://"))}
}

// TestImageRunsAreNeverDropped: more applied catalogs than the images queue
// ever held (64) wait for their image runs before Run starts; every one is
// run (its report recorded), none dropped. Two catalogs of one partner
// queued while its run waits are covered by one run, which reports on the
// newer.
func TestImageRunsAreNeverDropped(t *testing.T) {
	ctx := t.Context()
	s, err := local.Open(ctx, local.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const partners = 150
	var want []string // catalogs whose report must appear
	put := func(partner, id string) {
		t.Helper()
		c := catalog.Catalog{ID: id, Partner: partner, Status: catalog.StatusDone, ReceivedAt: time.Now().UTC()}
		if err := s.Store.PutCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
		s.QueueImages(c)
	}
	for i := range partners {
		partner := fmt.Sprintf("p%03d", i)
		put(partner, partner+"-1")
		if i == 0 {
			put(partner, partner+"-2") // a later catalog while p000's run waits
			want = append(want, partner+"-2")
			continue
		}
		want = append(want, partner+"-1")
	}
	go s.Run(ctx)
	deadline := time.Now().Add(60 * time.Second)
	for _, id := range want {
		for {
			c, err := s.Store.GetCatalog(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Images != nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("catalog %s: no image run after 60s (its run was dropped)", id)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestRewrittenProductKeepsPictures: a catalog sent again with new prices
// (same image URLs) rewrites every product, and every product still shows
// its pictures, in the store and in the index, before any image run; the
// next image run has nothing to do.
func TestRewrittenProductKeepsPictures(t *testing.T) {
	ctx := t.Context()
	host, err := local.StartDemoImageHost(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	s, err := local.Open(ctx, local.Options{Dir: t.TempDir(), ImageFetch: images.FetchOptions{Allow: []netip.AddrPort{host.Addr}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close() // Run is not started: no image run but the ones below
	var b bytes.Buffer
	if _, err := demogen.Write(ctx, &b, demogen.FormatCSV, demogen.Options{Seed: 5, Rows: 12, Profile: demogen.ProfileEnglishHardware,
		Headers: demogen.HeadersCanonical, Partner: "tools", ImageBase: host.URL}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cat.csv")
	write := func() {
		t.Helper()
		var out bytes.Buffer
		w := csv.NewWriter(&out)
		if err := w.WriteAll(rows); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write()
	c, err := s.IngestFile(ctx, "tools", path, catalog.ModeFull, false)
	if err != nil || c.Status != catalog.StatusDone {
		t.Fatalf("ingest: %v %v", c.Status, err)
	}
	if rep, err := s.FetchImages(ctx, c.ID, images.Options{}); err != nil || rep.Fetched == 0 || rep.Failed != 0 {
		t.Fatalf("image run: %+v, %v", rep, err)
	}
	pictures := map[string][]catalog.Picture{}
	for p, err := range s.Store.Products(ctx, "tools") {
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Pictures) == 0 {
			t.Fatalf("product %s has no pictures after the image run", p.ID)
		}
		pictures[p.ID] = p.Pictures
	}

	price := slices.Index(rows[0], "price")
	for _, r := range rows[1:] {
		r[price] += "1" // 7.10 -> 7.101: another price, the same image URLs
	}
	write()
	c, err = s.IngestFile(ctx, "tools", path, catalog.ModeFull, false)
	if err != nil || c.Status != catalog.StatusDone || c.Report.Updated != len(rows)-1 {
		t.Fatalf("second ingest: %v %+v %v", c.Status, c.Report, err)
	}
	for p, err := range s.Store.Products(ctx, "tools") {
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(p.Pictures, pictures[p.ID], func(a, b catalog.Picture) bool { return a.Key == b.Key && a.Source == b.Source }) {
			t.Errorf("stored product %s: pictures %v, want %v", p.ID, p.Pictures, pictures[p.ID])
		}
	}
	res, err := s.Index.Search(ctx, catalog.Query{Size: 50, Filters: catalog.Filters{Partners: []string{"tools"}}})
	if err != nil || len(res.Hits) != len(pictures) {
		t.Fatalf("search: %d hits, %v", len(res.Hits), err)
	}
	for _, h := range res.Hits {
		if len(h.Product.Pictures) == 0 {
			t.Errorf("indexed product %s shows the placeholder", h.Product.ID)
		}
	}
	if rep, err := s.FetchImages(ctx, c.ID, images.Options{}); err != nil || rep.Products != 0 {
		t.Fatalf("image run after the rewrite: %+v, %v (want nothing to do)", rep, err)
	}
}

// TestImageRunsLeftWaitingRunAfterRestart: the image runs waiting when a
// process stopped are kept in memory only; the next Run queues again, for
// each partner whose newest applied catalog has no images report, a run
// reporting on it, and leaves the others alone.
func TestImageRunsLeftWaitingRunAfterRestart(t *testing.T) {
	ctx := t.Context()
	s, err := local.Open(ctx, local.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Now().UTC()
	done := &catalog.ImageReport{StartedAt: now.Add(-time.Hour)}
	for _, c := range []catalog.Catalog{
		{ID: "a-old", Partner: "a", Status: catalog.StatusDone, ReceivedAt: now.Add(-2 * time.Hour), Images: done},
		{ID: "a-new", Partner: "a", Status: catalog.StatusDone, ReceivedAt: now.Add(-time.Hour)},     // its run was waiting
		{ID: "b-old", Partner: "b", Status: catalog.StatusDone, ReceivedAt: now.Add(-2 * time.Hour)}, // superseded
		{ID: "b-new", Partner: "b", Status: catalog.StatusDone, ReceivedAt: now.Add(-time.Hour), Images: done},
		{ID: "c-failed", Partner: "c", Status: catalog.StatusFailed, ReceivedAt: now},
	} {
		if err := s.Store.PutCatalog(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	go s.Run(ctx)
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := s.Store.GetCatalog(ctx, "a-new")
		if err != nil {
			t.Fatal(err)
		}
		if c.Images != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a-new: no image run after 60s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	for id, want := range map[string]bool{"a-old": true, "b-old": false, "b-new": true, "c-failed": false} {
		c, err := s.Store.GetCatalog(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if (c.Images != nil) != want || (want && !c.Images.StartedAt.Equal(done.StartedAt)) {
			t.Errorf("%s: images report %+v, want the one it had (%v)", id, c.Images, want)
		}
	}
}

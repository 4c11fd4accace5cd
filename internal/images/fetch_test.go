package images_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/images"
)

// fakeDNS resolves the names of a test to chosen addresses, as a partner's
// DNS could.
type fakeDNS map[string][]netip.Addr

func (d fakeDNS) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	if a, ok := d[host]; ok {
		return a, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// server is a test image host that counts the requests it got.
type server struct {
	*httptest.Server
	hits atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) addr(t *testing.T) netip.AddrPort {
	t.Helper()
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	return netip.MustParseAddrPort(u.Host)
}

func (s *server) port(t *testing.T) uint16 { return s.addr(t).Port() }

func serveBytes(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(b)
	}
}

// TestRefusals proves each refusal against a real local server: the
// server is on loopback, which the fetcher reaches only when a case says
// so (Allow), and a refused fetch never reaches it.
func TestRefusals(t *testing.T) {
	ctx := t.Context()
	img := jpegBytes(t, 40, 30)
	target := newServer(t, serveBytes(img))
	port := target.port(t)
	loop := netip.MustParseAddr("127.0.0.1")
	dns := fakeDNS{
		"loop.partner.test":   {loop},
		"meta.partner.test":   {netip.MustParseAddr("169.254.169.254")},
		"lan.partner.test":    {netip.MustParseAddr("10.1.2.3")},
		"lan172.partner.test": {netip.MustParseAddr("172.20.0.9")},
		"lan192.partner.test": {netip.MustParseAddr("192.168.1.20")},
		"ula.partner.test":    {netip.MustParseAddr("fd00:ec2::254")},
		"ll6.partner.test":    {netip.MustParseAddr("fe80::1")},
		"mapped.partner.test": {netip.MustParseAddr("::ffff:10.0.0.1")},
		"cgnat.partner.test":  {netip.MustParseAddr("100.64.0.1")},
		// One good address and one private one: refused as a whole.
		"mixed.partner.test": {netip.MustParseAddr("93.184.215.14"), netip.MustParseAddr("10.0.0.2")},
	}
	redirectTo := func(to string) *server {
		return newServer(t, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	}
	var loopSelf *server
	loopSelf = newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loopSelf.URL+"/again"+r.URL.Path, http.StatusFound)
	})
	slow := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	chunkedBig := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		for range 40 {
			_, _ = w.Write(make([]byte, 1024))
			w.(http.Flusher).Flush() // no Content-Length: the cap must count
		}
	})
	declaredBig := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "999999999")
		_, _ = w.Write(img)
	})
	missing := newServer(t, http.NotFound)
	toMeta := redirectTo("http://169.254.169.254/latest/meta-data/iam/")
	toLoopName := redirectTo(fmt.Sprintf("http://loop.partner.test:%d/a.jpg", port))
	toTarget := redirectTo(target.URL + "/a.jpg")
	toFile := redirectTo("file:///etc/passwd")

	cases := []struct {
		name   string
		url    string
		allow  []*server // servers the case lets the fetcher reach
		opts   func(*images.FetchOptions)
		reason string
		code   catalog.Code
		// untouched: servers the refused fetch must never have reached
		untouched []*server
	}{
		{name: "loopback literal, not allowed", url: target.URL + "/a.jpg", reason: images.ReasonBlocked, untouched: []*server{target}},
		{name: "localhost name, after resolution", url: fmt.Sprintf("http://loop.partner.test:%d/a.jpg", port), reason: images.ReasonBlocked, untouched: []*server{target}},
		{name: "metadata endpoint literal", url: "http://169.254.169.254/latest/meta-data/", reason: images.ReasonBlocked},
		{name: "metadata endpoint by name", url: "http://meta.partner.test/latest/meta-data/", reason: images.ReasonBlocked},
		{name: "10/8 by name", url: "http://lan.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "172.16/12 by name", url: "http://lan172.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "192.168/16 by name", url: "https://lan192.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "unique-local IPv6 by name", url: "http://ula.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "link-local IPv6 by name", url: "http://ll6.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "IPv4-mapped private", url: "http://mapped.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "IPv6 literal loopback", url: "http://[::1]:80/a.jpg", reason: images.ReasonBlocked},
		{name: "carrier-grade NAT", url: "http://cgnat.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "one private address among public ones", url: "http://mixed.partner.test/a.jpg", reason: images.ReasonBlocked},
		{name: "redirect to the metadata endpoint", url: toMeta.URL, allow: []*server{toMeta}, reason: images.ReasonBlocked},
		{name: "redirect to a name resolving to loopback", url: toLoopName.URL, allow: []*server{toLoopName}, reason: images.ReasonBlocked, untouched: []*server{target}},
		{name: "redirect to a loopback server not allowed", url: toTarget.URL, allow: []*server{toTarget}, reason: images.ReasonBlocked, untouched: []*server{target}},
		{name: "redirect to file:", url: toFile.URL, allow: []*server{toFile}, reason: images.ReasonBadURL},
		{name: "ftp scheme", url: "ftp://files.partner.test/a.jpg", reason: images.ReasonBadURL},
		{name: "file scheme", url: "file:///etc/passwd", reason: images.ReasonBadURL},
		{name: "credentials in the URL", url: "http://user:pw@loop.partner.test/a.jpg", reason: images.ReasonBadURL},
		{name: "endless redirects", url: loopSelf.URL + "/a.jpg", allow: []*server{loopSelf},
			opts: func(o *images.FetchOptions) { o.MaxRedirects = 3 }, reason: images.ReasonRedirects},
		{name: "timeout", url: slow.URL + "/a.jpg", allow: []*server{slow},
			opts: func(o *images.FetchOptions) { o.Timeout = 300 * time.Millisecond }, reason: images.ReasonTimeout, code: catalog.CodeUnavailable},
		{name: "oversized, declared", url: declaredBig.URL, allow: []*server{declaredBig},
			opts: func(o *images.FetchOptions) { o.MaxBytes = 10 << 10 }, reason: images.ReasonTooLarge, code: catalog.CodeTooLarge},
		{name: "oversized, streamed", url: chunkedBig.URL, allow: []*server{chunkedBig},
			opts: func(o *images.FetchOptions) { o.MaxBytes = 10 << 10 }, reason: images.ReasonTooLarge, code: catalog.CodeTooLarge},
		{name: "404", url: missing.URL + "/gone.jpg", allow: []*server{missing}, reason: images.ReasonHTTPStatus},
		{name: "no such host", url: "http://nowhere.partner.test/a.jpg", reason: images.ReasonUnreachable, code: catalog.CodeUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := make([]int64, len(tc.untouched))
			for i, s := range tc.untouched {
				before[i] = s.hits.Load()
			}
			o := images.FetchOptions{Resolver: dns, Timeout: 5 * time.Second}
			for _, s := range tc.allow {
				o.Allow = append(o.Allow, s.addr(t))
			}
			if tc.opts != nil {
				tc.opts(&o)
			}
			start := time.Now()
			_, err := images.NewFetcher(o).Fetch(ctx, tc.url, images.Validators{})
			if got := images.Reason(err); got != tc.reason {
				t.Fatalf("Fetch(%s): reason %q (%v); want %q", tc.url, got, err, tc.reason)
			}
			want := tc.code
			if want == "" {
				want = catalog.CodeInvalid
			}
			if catalog.CodeOf(err) != want {
				t.Errorf("code %s; want %s", catalog.CodeOf(err), want)
			}
			if msg := catalog.MessageOf(err); msg == "" || msg == "internal error" {
				t.Errorf("no message for the report: %q", msg)
			}
			for i, s := range tc.untouched {
				if s.hits.Load() != before[i] {
					t.Errorf("the refused fetch reached %s", s.URL)
				}
			}
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
		})
	}
}

// TestAllowedServer is the control of TestRefusals: the same server, once
// allowed, answers; a redirect within allowed servers is followed.
func TestAllowedServer(t *testing.T) {
	img := jpegBytes(t, 40, 30)
	target := newServer(t, serveBytes(img))
	hop := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/a.jpg", http.StatusMovedPermanently)
	})
	f := images.NewFetcher(images.FetchOptions{Allow: []netip.AddrPort{target.addr(t), hop.addr(t)}})
	got, err := f.Fetch(t.Context(), hop.URL+"/a.jpg", images.Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Body) != string(img) || got.NotModified {
		t.Fatalf("got %d bytes (not modified %v); want the %d-byte image", len(got.Body), got.NotModified, len(img))
	}
}

func TestConditionalFetch(t *testing.T) {
	img := jpegBytes(t, 40, 30)
	const etag = `"v1"`
	const lastMod = "Tue, 01 Dec 2026 10:00:00 GMT"
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		_, _ = w.Write(img)
	})
	f := images.NewFetcher(images.FetchOptions{Allow: []netip.AddrPort{s.addr(t)}})
	first, err := f.Fetch(t.Context(), s.URL, images.Validators{})
	if err != nil || first.NotModified || first.Validators.ETag != etag || first.Validators.LastModified != lastMod {
		t.Fatalf("first fetch: %+v, %v", first.Validators, err)
	}
	again, err := f.Fetch(t.Context(), s.URL, first.Validators)
	if err != nil || !again.NotModified || len(again.Body) != 0 {
		t.Fatalf("conditional fetch: not modified %v, %d bytes, %v", again.NotModified, len(again.Body), err)
	}
}

func TestPerHostLimit(t *testing.T) {
	var inflight, peak atomic.Int64
	img := jpegBytes(t, 8, 8)
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
		inflight.Add(-1)
		_, _ = w.Write(img)
	})
	f := images.NewFetcher(images.FetchOptions{PerHost: 2, Allow: []netip.AddrPort{s.addr(t)}})
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			if _, err := f.Fetch(t.Context(), fmt.Sprintf("%s/%d.jpg", s.URL, i), images.Validators{}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak.Load() != 2 {
		t.Fatalf("peak concurrent requests to one host %d; want 2", peak.Load())
	}
}

func TestBlockedRange(t *testing.T) {
	for _, tc := range []struct {
		ip, want string
	}{
		{"127.0.0.1", "loopback"}, {"127.255.0.9", "loopback"}, {"::1", "loopback"},
		{"169.254.169.254", "link-local"}, {"fe80::1", "link-local"},
		{"10.0.0.1", "private"}, {"172.16.0.1", "private"}, {"172.31.255.255", "private"}, {"192.168.0.1", "private"},
		{"fc00::1", "private"}, {"fd12:3456::1", "private"}, {"::ffff:192.168.0.1", "private"},
		{"0.0.0.0", "unspecified"}, {"::", "unspecified"}, {"0.1.2.3", "this-network"},
		{"100.100.100.200", "shared (carrier-grade NAT)"}, {"224.0.0.1", "link-local"}, {"239.1.2.3", "multicast"}, {"ff05::1", "multicast"},
		{"255.255.255.255", "reserved"}, {"64:ff9b::a00:1", "NAT64"}, {"2002:a00:1::", "6to4"},
		{"93.184.215.14", ""}, {"172.32.0.1", ""}, {"2606:4700::1111", ""}, {"8.8.8.8", ""},
	} {
		if got := images.BlockedRange(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("BlockedRange(%s) = %q; want %q", tc.ip, got, tc.want)
		}
	}
}

func TestReason(t *testing.T) {
	if images.Reason(nil) != "" || images.Reason(fmt.Errorf("x")) != "internal" ||
		!strings.Contains(images.ReasonBlocked, "blocked") {
		t.Fatal("Reason of nil or a foreign error")
	}
}

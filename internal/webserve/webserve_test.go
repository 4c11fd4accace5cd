package webserve

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestQuietWriterDropsConnectionLines(t *testing.T) {
	var out bytes.Buffer
	q := &quietWriter{w: &out}
	for _, chunk := range []string{
		"[1] [Sat] 127.0.0.1:4 Accep", "ted\n[1] [Sat] 127.0.0.1:4 [200]: GET /\n",
		"[1] [Sat] 127.0.0.1:4 Closing\n[2] x Closed without sending a request; it was probably\nPHP Warning: y\n",
	} {
		if _, err := q.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if want := "[1] [Sat] 127.0.0.1:4 [200]: GET /\nPHP Warning: y\n"; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
}

func TestHandlerRoutesAPIAndSite(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("api:" + r.URL.Path)) })
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("site:" + r.URL.Path)) }))
	defer site.Close()
	u, _ := url.Parse(site.URL)
	h := Handler(api, []*url.URL{u}, nil)
	for path, want := range map[string]string{
		"/api/v1/health": "api:/v1/health", "/": "site:/", "/en/product/x": "site:/en/product/x", "/apiary": "site:/apiary",
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Body.String() != want {
			t.Errorf("GET %s = %q, want %q", path, rec.Body, want)
		}
	}
}

// TestSiteResponsesAreNotSniffed: what php -S sends itself (the /assets/
// files) gets nosniff from the proxy, as CloudFront's security headers
// policy adds it on AWS.
func TestSiteResponsesAreNotSniffed(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		_, _ = w.Write([]byte("body{}"))
	}))
	defer site.Close()
	u, _ := url.Parse(site.URL)
	rec := httptest.NewRecorder()
	Handler(http.NotFoundHandler(), []*url.URL{u}, nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/site.css", nil))
	if got := rec.Header().Get("X-Content-Type-Options"); rec.Code != http.StatusOK || got != "nosniff" {
		t.Fatalf("GET /assets/site.css: %d, X-Content-Type-Options %q", rec.Code, got)
	}
}

// TestLongSiteURLIsRefusedNotProxied: php -S cannot take a very long
// request line (it drops the connection: a 502); serve answers 414 first.
func TestLongSiteURLIsRefusedNotProxied(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("site")) }))
	defer site.Close()
	u, _ := url.Parse(site.URL)
	h := Handler(http.NotFoundHandler(), []*url.URL{u}, nil)
	for _, tc := range []struct {
		target string
		want   int
	}{
		{"/fr/recherche?q=stylo", http.StatusOK},
		{"/fr/recherche?q=" + strings.Repeat("a", MaxSiteURLBytes), http.StatusRequestURITooLong},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tc.target, nil))
		if rec.Code != tc.want {
			t.Errorf("GET %.40s... (%d bytes): %d, want %d", tc.target, len(tc.target), rec.Code, tc.want)
		}
	}
}

// TestSiteNeverSeesTheRequestHost: php -S echoes the request's Host as a
// response header on every page; the proxy sends the site its own address
// as Host and drops a Host response header, so a hostile Host is reflected
// nowhere.
func TestSiteNeverSeesTheRequestHost(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Host", r.Host) // as php -S does
		_, _ = w.Write([]byte("host=" + r.Host + " fwd=" + r.Header.Get("X-Forwarded-Host") + " proto=" + r.Header.Get("X-Forwarded-Proto")))
	}))
	defer site.Close()
	u, _ := url.Parse(site.URL)
	req := httptest.NewRequest(http.MethodGet, "/en/", nil)
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("X-Forwarded-Proto", "https") // a TLS proxy in front: Secure cookies
	rec := httptest.NewRecorder()
	Handler(http.NotFoundHandler(), []*url.URL{u}, nil).ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "evil") || rec.Header().Get("Host") != "" ||
		!strings.HasSuffix(rec.Body.String(), " proto=https") {
		t.Fatalf("GET /en/ with Host evil.example: %d %v %q", rec.Code, rec.Header(), rec.Body)
	}
}

package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Reasons a URL is not used, as the partner's report shows them. Stable.
const (
	ReasonBadURL        = "bad_url"            // not an absolute http(s) URL
	ReasonBlocked       = "blocked_address"    // the host is (or resolves to) a refused range
	ReasonRedirects     = "too_many_redirects" // more redirects than FetchOptions.MaxRedirects
	ReasonTimeout       = "timeout"            // no complete answer within FetchOptions.Timeout
	ReasonUnreachable   = "unreachable"        // no such host, connection refused or reset, TLS failure
	ReasonHTTPStatus    = "http_status"        // an answer other than 200 (or 304 to a conditional request)
	ReasonTooLarge      = "too_large"          // more bytes than FetchOptions.MaxBytes
	ReasonNotImage      = "not_an_image"       // the bytes are no JPEG, PNG, GIF or WebP
	ReasonTooManyPixels = "too_many_pixels"    // the header declares more pixels than DeriveOptions.MaxPixels
	ReasonBadImage      = "bad_image"          // a known format that does not decode
)

// refusal is the cause inside the *catalog.Error this package returns for a
// URL it does not use: the stable reason the partner's report shows.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

func refuse(code catalog.Code, reason, format string, args ...any) *catalog.Error {
	return &catalog.Error{Code: code, Message: fmt.Sprintf(format, args...), Err: &refusal{reason}}
}

// Reason returns the stable reason (Reason*) of an error of this package,
// or "internal" for any other error, "" for nil.
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	return "internal"
}

// FetchOptions configure a Fetcher. Zero values take the defaults.
type FetchOptions struct {
	// Timeout bounds one fetch, redirects and body included (default 20s).
	Timeout time.Duration
	// MaxBytes caps an answer's body (default 25 MiB).
	MaxBytes int64
	// MaxRedirects is how many redirects one fetch follows (default 5).
	MaxRedirects int
	// PerHost is how many requests may run at once to one host (default 2):
	// a partner's catalog must not look like an attack on its own server.
	PerHost int
	// UserAgent is sent with every request.
	UserAgent string
	// Allow lists addresses that may be dialled although their range is
	// refused: the local demo's image host, a test server. Production
	// configurations leave it empty.
	Allow []netip.AddrPort
	// Resolver resolves host names (default net.DefaultResolver); tests
	// point names at chosen addresses with it.
	Resolver interface {
		LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	}
}

func (o FetchOptions) withDefaults() FetchOptions {
	if o.Timeout <= 0 {
		o.Timeout = 20 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 25 << 20
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = 5
	}
	if o.PerHost <= 0 {
		o.PerHost = 2
	}
	if o.UserAgent == "" {
		o.UserAgent = "CatalogSearch-images/1 (product image fetcher)"
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	return o
}

// Fetcher downloads partner images safely (see the package doc). It is
// safe for concurrent use; one Fetcher per process shares connections and
// the per-host limit.
type Fetcher struct {
	o      FetchOptions
	client *http.Client
	dialer *net.Dialer

	mu    sync.Mutex
	hosts map[string]*hostSlot
}

type hostSlot struct {
	sem   chan struct{}
	users int
}

// NewFetcher returns a Fetcher with o.
func NewFetcher(o FetchOptions) *Fetcher {
	o = o.withDefaults()
	f := &Fetcher{o: o, hosts: map[string]*hostSlot{}}
	f.dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: f.control}
	tr := &http.Transport{
		Proxy:                 nil, // never an environment proxy: the address checked must be the one dialled
		DialContext:           f.dial,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: o.Timeout,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConnsPerHost:   o.PerHost,
		ForceAttemptHTTP2:     true,
		// Images are not compressed on the wire; no transparent gunzip
		// means the size cap counts the bytes that arrive.
		DisableCompression: true,
	}
	f.client = &http.Client{Transport: tr, CheckRedirect: f.checkRedirect}
	return f
}

// Validators are what a previous fetch of a URL answered, for a
// conditional request.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Fetched is the answer to a fetch.
type Fetched struct {
	// NotModified is true when the server answered a conditional request
	// with 304: Body is empty and the picture stored before still holds.
	NotModified bool
	Body        []byte
	Validators  Validators
}

// Fetch downloads rawURL, asking only whether it changed when v holds the
// validators of an earlier fetch. Every refusal is a *catalog.Error whose
// Reason says why: CodeInvalid for a URL or answer we will not use,
// CodeTooLarge over MaxBytes, CodeUnavailable for a host that does not
// answer in time or at all.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (Fetched, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Fetched{}, refuse(catalog.CodeInvalid, ReasonBadURL, "not a URL")
	}
	if err := f.checkURL(u); err != nil {
		return Fetched{}, err
	}
	release, err := f.acquire(ctx, u.Hostname())
	if err != nil {
		return Fetched{}, err
	}
	defer release()

	ctx, cancel := context.WithTimeout(ctx, f.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Fetched{}, refuse(catalog.CodeInvalid, ReasonBadURL, "not a URL")
	}
	req.Header.Set("User-Agent", f.o.UserAgent)
	req.Header.Set("Accept", "image/jpeg,image/png,image/webp,image/gif;q=0.9,*/*;q=0.1")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Fetched{}, f.transportError(ctx, err)
	}
	defer resp.Body.Close()
	got := Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")}
	switch {
	case resp.StatusCode == http.StatusNotModified && (v.ETag != "" || v.LastModified != ""):
		if got == (Validators{}) {
			got = v
		}
		return Fetched{NotModified: true, Validators: got}, nil
	case resp.StatusCode != http.StatusOK:
		code := catalog.CodeInvalid
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			code = catalog.CodeUnavailable
		}
		return Fetched{}, refuse(code, ReasonHTTPStatus, "the image server answered %s", resp.Status)
	case resp.ContentLength > f.o.MaxBytes:
		return Fetched{}, refuse(catalog.CodeTooLarge, ReasonTooLarge,
			"the image is %d bytes, over the %d-byte limit", resp.ContentLength, f.o.MaxBytes)
	}
	capacity := int64(64 << 10)
	if resp.ContentLength > 0 {
		capacity = resp.ContentLength + 1
	}
	buf := make([]byte, 0, capacity)
	body, err := readAllInto(buf, io.LimitReader(resp.Body, f.o.MaxBytes+1))
	if err != nil {
		return Fetched{}, f.transportError(ctx, err)
	}
	if int64(len(body)) > f.o.MaxBytes {
		return Fetched{}, refuse(catalog.CodeTooLarge, ReasonTooLarge, "the image is over the %d-byte limit", f.o.MaxBytes)
	}
	return Fetched{Body: body, Validators: got}, nil
}

// readAllInto is io.ReadAll appending to buf.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// transportError turns an error of the HTTP client into a refusal: our own
// refusals (a blocked address, too many redirects) come through as they
// are.
func (f *Fetcher) transportError(ctx context.Context, err error) error {
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return ce
	}
	var ne net.Error
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return &catalog.Error{Code: catalog.CodeUnavailable, Err: &refusal{ReasonTimeout},
			Message: fmt.Sprintf("no complete answer within %s", f.o.Timeout)}
	}
	if ctx.Err() != nil {
		return catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "cancelled")
	}
	return &catalog.Error{Code: catalog.CodeUnavailable, Err: errors.Join(&refusal{ReasonUnreachable}, err),
		Message: "the image server could not be reached"}
}

// checkURL refuses what is not an absolute http(s) URL with a host, and an
// address literal in a refused range (the dial checks it again).
func (f *Fetcher) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return refuse(catalog.CodeInvalid, ReasonBadURL, "only http and https image URLs are fetched, not %q", u.Scheme)
	}
	if u.Hostname() == "" || u.User != nil {
		return refuse(catalog.CodeInvalid, ReasonBadURL, "the URL has no host, or carries credentials")
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		p, _ := strconv.ParseUint(port, 10, 16)
		if err := f.checkAddr(u.Hostname(), netip.AddrPortFrom(ip.Unmap(), uint16(p))); err != nil {
			return err
		}
	}
	return nil
}

func (f *Fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > f.o.MaxRedirects {
		return refuse(catalog.CodeInvalid, ReasonRedirects, "more than %d redirects", f.o.MaxRedirects)
	}
	return f.checkURL(req.URL)
}

// dial resolves addr's host itself, checks every address, and dials the
// address it checked: nothing resolves the name a second time.
func (f *Fetcher) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, refuse(catalog.CodeInvalid, ReasonBadURL, "bad address %q", addr)
	}
	port, err := strconv.ParseUint(portStr, 10, 16)
	if err != nil {
		return nil, refuse(catalog.CodeInvalid, ReasonBadURL, "bad port %q", portStr)
	}
	var ips []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		ips, err = f.o.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	// A name with one refused address is refused as a whole: which address
	// a client picks is not the partner's to steer.
	targets := make([]netip.AddrPort, len(ips))
	for i, ip := range ips {
		targets[i] = netip.AddrPortFrom(ip.Unmap(), uint16(port))
		if err := f.checkAddr(host, targets[i]); err != nil {
			return nil, err
		}
	}
	var firstErr error
	for _, t := range targets {
		c, err := f.dialer.DialContext(ctx, network, t.String())
		if err == nil {
			return c, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// control is the dialer's last word on the address a socket connects to.
func (f *Fetcher) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refuse(catalog.CodeInvalid, ReasonBlocked, "unparsable address %q", address)
	}
	return f.checkAddr(ap.Addr().String(), netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
}

func (f *Fetcher) checkAddr(host string, ap netip.AddrPort) error {
	why := BlockedRange(ap.Addr())
	if why == "" {
		return nil
	}
	for _, a := range f.o.Allow {
		if a.Addr().Unmap() == ap.Addr() && a.Port() == ap.Port() {
			return nil
		}
	}
	return refuse(catalog.CodeInvalid, ReasonBlocked, "%s resolves to %s, a %s address", host, ap.Addr(), why)
}

// BlockedRange names the special-purpose range ip lies in ("loopback",
// "private", "link-local", ...), or returns "" for a public unicast
// address, the only kind a partner URL may reach.
func BlockedRange(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsPrivate():
		return "private"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, r := range [...]struct{ prefix, name string }{
		{"0.0.0.0/8", "this-network"},
		{"100.64.0.0/10", "shared (carrier-grade NAT)"},
		{"192.0.0.0/24", "IETF protocol"},
		{"192.0.2.0/24", "documentation"},
		{"198.18.0.0/15", "benchmarking"},
		{"198.51.100.0/24", "documentation"},
		{"203.0.113.0/24", "documentation"},
		{"240.0.0.0/4", "reserved"}, // and 255.255.255.255
		{"64:ff9b::/96", "NAT64"},   // reaches any IPv4 address, private ones too
		{"64:ff9b:1::/48", "NAT64"},
		{"2001:db8::/32", "documentation"},
		{"2002::/16", "6to4"}, // embeds an IPv4 address
		{"100::/64", "discard"},
	} {
		if netip.MustParsePrefix(r.prefix).Contains(ip) {
			return r.name
		}
	}
	return ""
}

// acquire waits for one of the PerHost slots of host.
func (f *Fetcher) acquire(ctx context.Context, host string) (func(), error) {
	f.mu.Lock()
	s := f.hosts[host]
	if s == nil {
		s = &hostSlot{sem: make(chan struct{}, f.o.PerHost)}
		f.hosts[host] = s
	}
	s.users++
	f.mu.Unlock()
	done := func() {
		f.mu.Lock()
		if s.users--; s.users == 0 {
			delete(f.hosts, host)
		}
		f.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem; done() }, nil
	case <-ctx.Done():
		done()
		return nil, catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "cancelled while waiting for the host")
	}
}

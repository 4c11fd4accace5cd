// Package webserve gives catalogctl serve its single origin, as CloudFront
// does on AWS: paths under /api/ go to the Go API handler, every other path
// is reverse-proxied to the PHP site run by `php -S` as a child process.
package webserve

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/contract"
)

// siteSecretFile is the file under the data folder that keeps the local
// site secret across restarts, so signed-in partners stay signed in.
const siteSecretFile = "site-secret"

// SiteSecret returns the site secret of the data folder dir (base64 of 32
// bytes), creating dir/site-secret (mode 0600) with 32 random bytes the
// first time and reading it back afterwards. A file that does not hold 32
// bytes of base64 is an error, never silently replaced.
func SiteSecret(ctx context.Context, dir string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", catalog.Wrap(catalog.CodeUnavailable, err, "site secret: cancelled")
	}
	path := filepath.Join(dir, siteSecretFile)
	raw, err := os.ReadFile(path) //nolint:gosec // the data folder is the operator's choice
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return "", catalog.Wrap(catalog.CodeInternal, err, "site secret: no randomness")
		}
		secret := base64.StdEncoding.EncodeToString(key)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) //nolint:gosec // path under the data folder
		if errors.Is(err, os.ErrExist) {
			return SiteSecret(ctx, dir) // another serve made it first
		}
		if err != nil {
			return "", catalog.Wrap(catalog.CodeInternal, err, "site secret: cannot create "+path)
		}
		_, werr := f.WriteString(secret + "\n")
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = os.Remove(path)
			return "", catalog.Wrap(catalog.CodeInternal, werr, "site secret: cannot write "+path)
		}
		return secret, nil
	}
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "site secret: cannot read "+path)
	}
	secret := strings.TrimSpace(string(raw))
	if key, err := base64.StdEncoding.DecodeString(secret); err != nil || len(key) != 32 {
		return "", catalog.Errorf(catalog.CodeInvalid, "site secret: %s does not hold base64 of 32 bytes: delete it to make a new one (signs partners out)", path)
	}
	return secret, nil
}

// PHPSite is a running site: Workers `php -S` processes serving a site's
// public folder, each on its own loopback port, each a single process.
// (php -S's own worker mode, PHP_CLI_SERVER_WORKERS, forks workers that
// outlive a master killed with SIGKILL and keep the port; a single php
// process dies with serve through its parent-death signal.)
type PHPSite struct {
	procs []*phpProcess
	done  chan struct{} // closed when the first php has exited; then err is set
	once  sync.Once
	err   error
}

type phpProcess struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error
}

// PHPOptions configure StartPHP.
type PHPOptions struct {
	PHP       string   // php binary; "" = look up "php" on PATH
	PublicDir string   // the site's document root, holding index.php (the router script)
	APIURL    string   // the API base URL the site calls (CATALOG_API_URL)
	Env       []string // extra NAME=value pairs
	Stderr    io.Writer
	Workers   int // php processes (0 = DefaultPHPWorkers)
}

// DefaultPHPWorkers is how many php processes serve the site by default.
const DefaultPHPWorkers = 4

// StartPHP starts the site's php processes on free loopback ports and
// waits until each accepts connections.
func StartPHP(ctx context.Context, o PHPOptions) (*PHPSite, error) {
	php := o.PHP
	if php == "" {
		var err error
		if php, err = exec.LookPath("php"); err != nil {
			return nil, catalog.Errorf(catalog.CodeUnavailable,
				"php not found on PATH: the site needs PHP 8.2+ (run `make php-cli`, or `apt-get install php-cli`)")
		}
	}
	router := filepath.Join(o.PublicDir, "index.php")
	if _, err := os.Stat(router); err != nil {
		return nil, catalog.Errorf(catalog.CodeInvalid, "no site at %s (want %s): pass --web to the web/public folder", o.PublicDir, router)
	}
	if o.Workers <= 0 {
		o.Workers = DefaultPHPWorkers
	}
	s := &PHPSite{done: make(chan struct{})}
	for range o.Workers {
		p, err := startPHPProcess(ctx, php, router, o)
		if err != nil {
			s.Stop()
			return nil, err
		}
		s.procs = append(s.procs, p)
		go func() {
			<-p.done
			s.once.Do(func() { s.err = p.err; close(s.done) })
		}()
	}
	return s, nil
}

func startPHPProcess(ctx context.Context, php, router string, o PHPOptions) (*phpProcess, error) {
	port, err := freePort(ctx)
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "find a free port for php")
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// Not cancelled with ctx: the caller stops the site with Stop, after the
	// HTTP server has drained, so in-flight page renders finish.
	cmd := exec.CommandContext(context.WithoutCancel(ctx), php, "-S", addr, "-t", o.PublicDir, router) //nolint:gosec // php binary from flag or PATH by design
	cmd.Env = append(os.Environ(), contract.EnvAPIBaseURL+"="+o.APIURL)
	// The site's own ini (upload limits, errors hidden) after the system's,
	// as on Lambda where Bref reads the same folder.
	if conf := filepath.Join(filepath.Dir(o.PublicDir), "php", "conf.d"); dirExists(conf) {
		cmd.Env = append(cmd.Env, "PHP_INI_SCAN_DIR=:"+conf)
	}
	// Its own process group, which Stop ends; and a parent-death signal,
	// so that a serve killed without Stop (kill -9) takes php with it.
	cmd.SysProcAttr = phpProcAttr()
	cmd.Env = append(cmd.Env, o.Env...)
	logs := &quietWriter{w: o.Stderr}
	if o.Stderr == nil {
		logs.w = io.Discard
	}
	cmd.Stdout = logs
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		return nil, catalog.Wrap(catalog.CodeInternal, err, "start php")
	}
	p := &phpProcess{cmd: cmd, addr: addr, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := (&net.Dialer{Timeout: 200 * time.Millisecond}).DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = conn.Close()
			return p, nil
		}
		select {
		case <-p.done:
			return nil, catalog.Wrap(catalog.CodeInternal, p.err, "php -S exited at start")
		case <-ctx.Done():
			p.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, catalog.Errorf(catalog.CodeUnavailable, "php -S did not listen on %s within 10s", addr)
		}
	}
}

// URLs are the base URLs of the site's php processes.
func (s *PHPSite) URLs() []*url.URL {
	out := make([]*url.URL, len(s.procs))
	for i, p := range s.procs {
		out[i] = &url.URL{Scheme: "http", Host: p.addr}
	}
	return out
}

// Done is closed when a php process exits; Err then tells why.
func (s *PHPSite) Done() <-chan struct{} { return s.done }

// Err is the exit error of the first php process that ended, once Done is closed.
func (s *PHPSite) Err() error { return s.err }

// Stop ends every php process and waits for them.
func (s *PHPSite) Stop() {
	var wg sync.WaitGroup
	for _, p := range s.procs {
		wg.Go(p.stop)
	}
	wg.Wait()
}

func (p *phpProcess) stop() {
	if p.cmd.Process == nil {
		return
	}
	pgid := -p.cmd.Process.Pid // its group: php and anything it started
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-p.done
	}
	_ = syscall.Kill(pgid, syscall.SIGKILL)
}

func freePort(ctx context.Context) (int, error) {
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// MaxSiteURLBytes caps the request target serve passes to the site: php -S
// drops the connection on a request line of some 100 KB (a 502 to the
// user); a longer one is answered 414 here.
const MaxSiteURLBytes = 16 << 10

// Handler routes /api/... to api (prefix stripped) and everything else to
// the site's php processes in turn (none: API only). The site never sees
// the request's Host (absolute URLs come from configuration).
func Handler(api http.Handler, sites []*url.URL, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle(contract.APIPathPrefix+"/", http.StripPrefix(contract.APIPathPrefix, api))
	if len(sites) > 0 {
		proxies := make([]*httputil.ReverseProxy, len(sites))
		for i, site := range sites {
			// php -S sees its own address as Host (SetURL), never the
			// request's, and no X-Forwarded-Host: nothing the site builds
			// can reflect a hostile Host. X-Forwarded-Proto (Secure
			// cookies behind a TLS proxy) and X-Forwarded-For pass as before.
			proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(site)
				if p := pr.In.Header.Get("X-Forwarded-Proto"); p != "" {
					pr.Out.Header.Set("X-Forwarded-Proto", p)
				}
				fwd := pr.In.Header.Values("X-Forwarded-For")
				if ip, _, err := net.SplitHostPort(pr.In.RemoteAddr); err == nil {
					fwd = append(fwd, ip)
				}
				if len(fwd) > 0 {
					pr.Out.Header.Set("X-Forwarded-For", strings.Join(fwd, ", "))
				}
			}}
			proxy.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
				if !errors.Is(err, context.Canceled) {
					log.ErrorContext(r.Context(), "site proxy", "path", r.URL.Path, "err", err.Error())
				}
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusBadGateway)
				_, _ = io.WriteString(w, "The site is not answering. The API is still at /api/v1/health.\n")
			}
			// What php -S sends itself (the /assets/ files) has no nosniff;
			// CloudFront's security headers policy adds it on AWS.
			// php -S echoes the request's Host as a response header on
			// every page: not a response header, and dropped here.
			proxy.ModifyResponse = func(res *http.Response) error {
				res.Header.Del("Host")
				if res.Header.Get("X-Content-Type-Options") == "" {
					res.Header.Set("X-Content-Type-Options", "nosniff")
				}
				return nil
			}
			proxies[i] = proxy
		}
		var next atomic.Uint64
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.RequestURI) > MaxSiteURLBytes {
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				w.WriteHeader(http.StatusRequestURITooLong)
				_, _ = io.WriteString(w, "This address is too long.\n")
				return
			}
			proxies[(next.Add(1)-1)%uint64(len(proxies))].ServeHTTP(w, r)
		}))
	}
	return mux
}

// FindPublicDir returns the first of candidates that holds index.php.
func FindPublicDir(candidates ...string) (string, bool) {
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c, "index.php")); err == nil {
			abs, err := filepath.Abs(c)
			if err == nil {
				return abs, true
			}
		}
	}
	return "", false
}

// ListenURL turns a listen address (":8080", "127.0.0.1:8080") into the URL
// a person opens.
func ListenURL(addr net.Addr) string {
	host, port, _ := net.SplitHostPort(addr.String())
	if host == "" || host == "::" || host == "0.0.0.0" || strings.HasPrefix(host, "[") {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// quietWriter passes php -S output through, line by line, less the
// connection bookkeeping lines it prints for every request.
type quietWriter struct {
	w   io.Writer
	buf []byte
}

func (q *quietWriter) Write(p []byte) (int, error) {
	q.buf = append(q.buf, p...)
	for {
		i := bytes.IndexByte(q.buf, '\n')
		if i < 0 {
			break
		}
		line := q.buf[:i+1]
		if !noisy(line) {
			if _, err := q.w.Write(line); err != nil {
				return len(p), err
			}
		}
		q.buf = q.buf[i+1:]
	}
	return len(p), nil
}

func noisy(line []byte) bool {
	l := bytes.TrimRight(line, "\r\n")
	return bytes.HasSuffix(l, []byte(" Accepted")) || bytes.HasSuffix(l, []byte(" Closing")) ||
		bytes.Contains(l, []byte("Closed without sending a request"))
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// SiteRates returns the data folder's dated exchange rates
// (dir/rates.json, contract.CheckRates) for the site's EnvRates, "" when
// the folder has none; a malformed file is an error, never ignored.
func SiteRates(dir string) (string, error) {
	path := filepath.Join(dir, contract.RatesFile)
	raw, err := os.ReadFile(path) //nolint:gosec // the data folder is the operator's choice
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInternal, err, "cannot read "+path)
	}
	rates, err := contract.CheckRates(raw)
	if err != nil {
		return "", catalog.Wrap(catalog.CodeInvalid, err, path)
	}
	return rates, nil
}

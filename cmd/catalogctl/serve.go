package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/contract"
	"github.com/catalogsearch/catalogsearch/internal/local"
	"github.com/catalogsearch/catalogsearch/internal/webserve"
)

func runServe(ctx context.Context, e env, args []string) int {
	fs := newFlags(e, "serve")
	data := dataFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address (\":8080\" listens on every interface)")
	demo := fs.Bool("demo", false, "seed the demo catalogs on first start (when the data folder has none)")
	web := fs.String("web", "", "the site's public folder (default: web/public next to the working folder or the binary)")
	php := fs.String("php", "", "php binary (default: php on PATH)")
	noSite := fs.Bool("no-site", false, "serve the API only, without the PHP site")
	public := fs.String("public-url", "", "the site's public origin, http(s)://HOST[:PORT], under which the API's upload URLs are built (default: the listen address)")
	verbose := fs.Bool("v", false, "log debug lines")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	publicURL, err := publicOrigin(*public)
	if err != nil {
		fmt.Fprintf(e.stderr, "catalogctl serve: --public-url: %v\n", err)
		return exitUsage
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := logger(e.stderr, level)

	opts := local.Options{Dir: *data, Logger: log}
	if *demo {
		// The demo's image host: the demo catalogs' image URLs point at it,
		// and the fetcher may reach it (and only it) on loopback.
		host, err := local.StartDemoImageHost(ctx)
		if err != nil {
			return fail(e, "serve", err)
		}
		defer host.Close()
		opts.DemoImageBase = host.URL
		opts.ImageFetch.Allow = []netip.AddrPort{host.Addr}
	}
	stack, err := local.Open(ctx, opts)
	if err != nil {
		return fail(e, "serve", err)
	}
	defer stack.Close()
	if *demo {
		n, err := stack.SeedDemo(ctx, e.stderr)
		if err != nil {
			return fail(e, "serve", fmt.Errorf("seeding demo data: %w", err))
		}
		if n > 0 {
			fmt.Fprintf(e.stderr, "seeded %d demo catalogs\n", n)
		}
		fmt.Fprintf(e.stderr, "partner pages need a partner API key: catalogctl partner-key --data %s --partner bureau-plus\n", *data)
	}
	// No SyncIndex here: the changes a crash left unindexed are drained by
	// stack.Run while serve already answers (health shows the backlog).

	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *addr)
	if err != nil {
		return fail(e, "serve", fmt.Errorf("listen on %s: %w", *addr, err))
	}
	base := webserve.ListenURL(ln.Addr())
	if publicURL == "" {
		publicURL = base
	}

	var site *webserve.PHPSite
	if !*noSite {
		pub, ok := webserve.FindPublicDir(*web, "web/public", exeRelative("../web/public"))
		if !ok {
			_ = ln.Close()
			fmt.Fprintln(e.stderr, "catalogctl serve: no PHP site found: run from the repository root, pass --web DIR, or use --no-site")
			return exitFail
		}
		// The secret that seals partner sessions: one per data folder, kept
		// in DATA/site-secret, so a restart keeps partners signed in.
		secret, err := webserve.SiteSecret(ctx, *data)
		if err != nil {
			_ = ln.Close()
			return fail(e, "serve", err)
		}
		env := []string{contract.EnvSiteSecret + "=" + secret}
		// The operator's dated exchange rates, DATA/rates.json, when present.
		rates, err := webserve.SiteRates(*data)
		if err != nil {
			_ = ln.Close()
			return fail(e, "serve", err)
		}
		if rates != "" {
			env = append(env, contract.EnvRates+"="+rates)
		}
		site, err = webserve.StartPHP(ctx, webserve.PHPOptions{
			PHP: *php, PublicDir: pub, APIURL: base + "/api", Stderr: e.stderr,
			Env: env,
		})
		if err != nil {
			_ = ln.Close()
			return fail(e, "serve", err)
		}
		defer site.Stop()
	}

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() { stack.Run(runCtx); close(done) }()

	var siteURLs []*url.URL
	if site != nil {
		siteURLs = site.URLs()
	}
	// /images/ is the pictures from the data folder, as CloudFront serves
	// them from the bucket on AWS.
	mux := http.NewServeMux()
	mux.Handle("/images/", stack.Pictures())
	// Absolute URLs the API hands out are under the configured origin,
	// never the request's Host.
	mux.Handle("/", webserve.Handler(stack.APIAt(publicURL+contract.APIPathPrefix), siteURLs, log))
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "Catalog Search is running at %s/ (API at %s/api/v1/health). Ctrl-C stops it.\n", base, base)

	var siteDone <-chan struct{}
	if site != nil {
		siteDone = site.Done()
	}
	status := exitOK
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(e.stderr, "catalogctl serve: %v\n", err)
			status = exitFail
		}
	case <-siteDone:
		fmt.Fprintf(e.stderr, "catalogctl serve: the PHP site stopped: %v\n", site.Err())
		status = exitFail
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	_ = srv.Shutdown(shutdownCtx)
	cancel()
	<-done
	return status
}

// publicOrigin checks --public-url: "" or an http(s) origin (a trailing
// slash is dropped; no path, query or fragment).
func publicOrigin(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("want http(s)://HOST[:PORT], got %q", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// exeRelative resolves rel against the folder of the running binary.
func exeRelative(rel string) string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return filepath.Join(filepath.Dir(exe), rel)
}

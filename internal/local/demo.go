package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// SeedDemo ingests the demo catalogs when the store holds no catalog yet,
// through the same path as any file (blob, ingest, change feed, index), and
// returns how many it ingested. Running it again on a seeded folder does
// nothing. With Options.DemoImageBase, the catalogs' image URLs point at
// that demo image host, and their images are queued for Run to fetch.
func (s *Stack) SeedDemo(ctx context.Context, progress io.Writer) (int, error) {
	existing, err := s.Store.ListCatalogs(ctx, "", 1)
	if err != nil {
		return 0, err
	}
	if len(existing) > 0 {
		return 0, nil
	}
	demos := demogen.DemoCatalogs()
	tmp, err := os.MkdirTemp("", "catalog-demo-")
	if err != nil {
		return 0, catalog.Wrap(catalog.CodeInternal, err, "temporary folder")
	}
	defer os.RemoveAll(tmp)
	for i, d := range demos {
		d.Options.ImageBase = s.demoImageBase
		path := tmp + "/" + d.File
		f, err := os.Create(path)
		if err != nil {
			return i, catalog.Wrap(catalog.CodeInternal, err, "write demo file")
		}
		_, err = demogen.Write(ctx, f, d.Format, d.Options)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return i, err
		}
		c, err := s.IngestFile(ctx, d.Partner, path, catalog.ModeFull, false)
		if err != nil {
			return i, err
		}
		if c.Report != nil {
			fmt.Fprintf(progress, "demo %d/%d: %s %s: %s, %d products (%d rows, %d rejected)\n",
				i+1, len(demos), d.Partner, d.File, c.Status, c.Report.Products, c.Report.Rows, c.Report.Rejected)
		}
	}
	return len(demos), nil
}

// DemoImageHost is the demo's stand-in for partners' image servers: an
// HTTP server on a free loopback port serving demogen.ImageHandler under
// /demo-images/. Its address must be in Options.ImageFetch.Allow, since
// the fetcher refuses loopback otherwise.
type DemoImageHost struct {
	URL  string         // base of the image URLs: http://127.0.0.1:PORT/demo-images
	Addr netip.AddrPort // what the fetcher must allow
	srv  *http.Server
	done chan error
}

// StartDemoImageHost starts a DemoImageHost; Close stops it.
func StartDemoImageHost(ctx context.Context) (*DemoImageHost, error) {
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, catalog.Wrap(catalog.CodeUnavailable, err, "demo image host: listen")
	}
	addr := netip.MustParseAddrPort(ln.Addr().String())
	mux := http.NewServeMux()
	mux.Handle("/demo-images/", http.StripPrefix("/demo-images", demogen.ImageHandler()))
	h := &DemoImageHost{
		URL: "http://" + addr.String() + "/demo-images", Addr: addr, done: make(chan error, 1),
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second},
	}
	go func() { h.done <- h.srv.Serve(ln) }()
	return h, nil
}

// Close stops the host.
func (h *DemoImageHost) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := h.srv.Shutdown(ctx)
	if serr := <-h.done; err == nil && !errors.Is(serr, http.ErrServerClosed) {
		err = serr
	}
	return err
}

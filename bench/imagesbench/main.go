// Command imagesbench measures the image pipeline and writes its figures as
// a Markdown section (make bench-images -> docs/bench/images.md):
//
//  1. thumbnailing a 4000×4000 JPEG (images.Derive: check, decode, five
//     sizes, JPEG encode): CPU seconds per image, so images per second per
//     core, against a baseline measured in the same run, the standard
//     library's decoding of the same file alone; and the peak heap while
//     one image is derived;
//  2. re-ingesting a catalog on the local stack (a demo catalog whose images
//     come from a counting image host): requests and bytes the host served
//     for the first ingest, for the same file again, and for a file where
//     every product changed but its images did not.
//
// The page weight of a results page with pictures is measured in the
// browser (web/e2e/bench-images.mjs) and written to docs/bench/images-web.md.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/images"
	"github.com/catalogsearch/catalogsearch/internal/local"
)

func main() {
	out := flag.String("out", "", "write the Markdown section to this file (default: stdout only)")
	rounds := flag.Int("rounds", 5, "4000×4000 images to derive")
	rows := flag.Int("rows", 600, "rows of the re-ingest catalog")
	flag.Parse()
	if err := run(context.Background(), *out, *rounds, *rows); err != nil {
		fmt.Fprintln(os.Stderr, "imagesbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out string, rounds, rows int) error {
	src := photo(4000, 4000)
	fmt.Fprintf(os.Stderr, "a 4000×4000 JPEG of %d bytes; %d rounds\n", len(src), rounds)
	decode := cpuPer(rounds, func() error { _, err := jpeg.Decode(bytes.NewReader(src)); return err })
	var d images.Derived
	derive := cpuPer(rounds, func() (err error) { d, err = images.Derive(src, images.DeriveOptions{}); return err })
	if decode.err != nil || derive.err != nil {
		return errors.Join(decode.err, derive.err)
	}
	peak, err := peakHeap(func() error { _, err := images.Derive(src, images.DeriveOptions{}); return err })
	if err != nil {
		return err
	}
	var sizes []string
	for _, s := range d.Sizes {
		sizes = append(sizes, fmt.Sprintf("%d px: %.1f KB", s.Width, float64(len(s.JPEG))/1024))
	}

	re, err := reingest(ctx, rows)
	if err != nil {
		return err
	}

	var b strings.Builder
	fmt.Fprintf(&b, "## Product images\n\n")
	fmt.Fprintf(&b, "Reproduce: `make bench-images` (`go run ./bench/imagesbench`; the page weight by `web/e2e/bench-images.mjs`).\n\n")
	fmt.Fprintf(&b, "Thumbnailing one 4000×4000 JPEG (%.1f MB, a noisy photo-like picture) into the sizes %s; CPU time of this process (user + system) per image, %d images, and the standard library's decoding of the same file alone as the baseline of the same run:\n\n",
		float64(len(src))/1e6, strings.Join(sizes, ", "), rounds)
	fmt.Fprintf(&b, "| step | CPU s per image | images/s per core | wall s per image | × baseline |\n|---|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| baseline: jpeg.Decode alone | %.3f | %.2f | %.3f | 1.00 |\n", decode.cpu, 1/decode.cpu, decode.wall)
	fmt.Fprintf(&b, "| images.Derive (check, decode, 5 sizes, encode) | %.3f | %.2f | %.3f | %.2f |\n\n", derive.cpu, 1/derive.cpu, derive.wall, derive.cpu/decode.cpu)
	fmt.Fprintf(&b, "Peak Go heap while deriving one such image: %.1f MB (sampled every millisecond; the decoded picture alone is %.1f MB of YCbCr).\n\n",
		float64(peak)/1e6, 4000*4000*1.5/1e6)
	fmt.Fprintf(&b, "Re-ingest on the local stack: a %d-row demo catalog (%d distinct pictures, one URL per product) whose images come from a counting image host; the image run after each ingest:\n\n", rows, re.distinct)
	fmt.Fprintf(&b, "| ingest | products looked at | requests | of which 304 | bytes served | pictures derived |\n|---|---:|---:|---:|---:|---:|\n")
	for _, r := range re.runs {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d |\n", r.label, r.rep.Products, r.requests, r.notModified, r.bytes, r.rep.Fetched)
	}
	fmt.Fprintf(&b, "\nAn unchanged catalog costs the image host no request; changed products whose images did not change cost one conditional request each and no body.\n")
	fmt.Print(b.String())
	if out != "" {
		return os.WriteFile(out, []byte(b.String()), 0o644) //nolint:gosec // a doc page
	}
	return nil
}

// photo is a w×h JPEG of smooth gradients and noise: far harder to
// compress than the demo's flat drawings, like a real product photo.
func photo(w, h int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // test data
	for y := range h {
		for x := range w {
			n := r.IntN(40)
			m.SetRGBA(x, y, color.RGBA{byteOf(x*200/w + n), byteOf(y*200/h + n), byteOf((x+y)*100/(w+h) + n), 255})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, m, &jpeg.Options{Quality: 85})
	return b.Bytes()
}

// byteOf is v clamped to 0..255.
func byteOf(v int) uint8 { return uint8(max(0, min(255, v))) } //nolint:gosec // clamped

type measure struct {
	cpu, wall float64 // seconds per call
	err       error
}

func cpuTime() float64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// cpuPer runs fn n times, one at a time, after one warm-up call.
func cpuPer(n int, fn func() error) measure {
	if err := fn(); err != nil {
		return measure{err: err}
	}
	runtime.GC()
	c0, t0 := cpuTime(), time.Now()
	for range n {
		if err := fn(); err != nil {
			return measure{err: err}
		}
	}
	return measure{cpu: (cpuTime() - c0) / float64(n), wall: time.Since(t0).Seconds() / float64(n)}
}

// peakHeap is the largest HeapAlloc seen while fn runs, over the heap
// before it.
func peakHeap(fn func() error) (uint64, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > peak.Load() {
				peak.Store(m.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	err := fn()
	close(done)
	wg.Wait()
	if peak.Load() < base {
		return 0, err
	}
	return peak.Load() - base, err
}

type reRun struct {
	label                        string
	rep                          catalog.ImageReport
	requests, notModified, bytes int64
}

type reResult struct {
	distinct int
	runs     []reRun
}

// reingest ingests a demo catalog three times on a fresh local stack: the
// file, the same file again, and the file with every price changed.
func reingest(ctx context.Context, rows int) (reResult, error) {
	var requests, notModified, served atomic.Int64
	pictures := demogen.ImageHandler()
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		cw := &countingWriter{ResponseWriter: w}
		pictures.ServeHTTP(cw, r)
		if cw.status == http.StatusNotModified {
			notModified.Add(1)
		}
		served.Add(cw.n)
	}))
	defer host.Close()
	dir, err := os.MkdirTemp("", "imagesbench-")
	if err != nil {
		return reResult{}, err
	}
	defer os.RemoveAll(dir)
	allow := netip.MustParseAddrPort(strings.TrimPrefix(host.URL, "http://"))
	s, err := local.Open(ctx, local.Options{Dir: filepath.Join(dir, "data"), ImageFetch: images.FetchOptions{Allow: []netip.AddrPort{allow}}})
	if err != nil {
		return reResult{}, err
	}
	defer s.Close()
	write := func(name string, edit func(string) string) (string, error) {
		var b bytes.Buffer
		if _, err := demogen.Write(ctx, &b, demogen.FormatCSV, demogen.Options{Seed: 9, Rows: rows, Profile: demogen.ProfileFrenchOffice,
			Headers: demogen.HeadersCanonical, Partner: "bench", ImageBase: host.URL}); err != nil {
			return "", err
		}
		path := filepath.Join(dir, name)
		return path, os.WriteFile(path, []byte(edit(b.String())), 0o600)
	}
	same := func(s string) string { return s }
	first, err := write("catalog.csv", same)
	if err != nil {
		return reResult{}, err
	}
	// Most prices a cent higher: most products change, no image does.
	changed, err := write("catalog-prices.csv", func(csv string) string {
		return strings.NewReplacer(".00,", ".01,", ".50,", ".51,", ".90,", ".91,", ".99,", ".98,").Replace(csv)
	})
	if err != nil {
		return reResult{}, err
	}
	var res reResult
	for _, step := range []struct{ label, path string }{
		{"first ingest", first}, {"the same file again", first}, {"prices changed, images unchanged", changed},
	} {
		c, err := s.IngestFile(ctx, "bench", step.path, catalog.ModeFull, false)
		if err != nil {
			return res, err
		}
		r0, n0, b0 := requests.Load(), notModified.Load(), served.Load()
		rep, err := s.FetchImages(ctx, c.ID, images.Options{})
		if err != nil {
			return res, err
		}
		if rep.Failed > 0 {
			return res, fmt.Errorf("%s: %d images failed: %+v", step.label, rep.Failed, rep.Failures[0])
		}
		if step.label == "first ingest" {
			res.distinct = rep.Fetched
		}
		res.runs = append(res.runs, reRun{label: step.label, rep: rep,
			requests: requests.Load() - r0, notModified: notModified.Load() - n0, bytes: served.Load() - b0})
		fmt.Fprintf(os.Stderr, "%s: %+v\n", step.label, res.runs[len(res.runs)-1])
	}
	return res, nil
}

type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (c *countingWriter) WriteHeader(code int) { c.status = code; c.ResponseWriter.WriteHeader(code) }

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

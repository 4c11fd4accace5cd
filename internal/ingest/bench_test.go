package ingest_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"strconv"
	"sync"
	"testing"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
	"github.com/catalogsearch/catalogsearch/internal/embeddedtest"
	"github.com/catalogsearch/catalogsearch/internal/ingest"
)

// benchRows is the size of the generated CSV the benchmarks read
// (INGEST_BENCH_ROWS changes it).
func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("INGEST_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}

var benchFile = sync.OnceValues(func() ([]byte, error) {
	var buf bytes.Buffer
	_, err := demogen.Write(context.Background(), &buf, demogen.FormatCSV, demogen.Options{Seed: 42, Rows: benchRows(),
		Headers: demogen.HeadersCanonical, DefectRate: 0.01, Partner: "bench"})
	return buf.Bytes(), err
})

// BenchmarkCSVBare is the baseline of issue 3: a bare encoding/csv read
// loop over the generated file.
func BenchmarkCSVBare(b *testing.B) {
	data, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		n := 0
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchRows()), "ns/row")
}

// BenchmarkCSVDryRun is the whole pipeline (decode, map, validate, hash)
// over the same file, as a dry run on the embedded store: compare its
// ns/row with BenchmarkCSVBare's (make bench-ingest does, in one run).
func BenchmarkCSVDryRun(b *testing.B) {
	data, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	st, bl := embeddedtest.Open(b)
	ctx := context.Background()
	if _, err := bl.Put(ctx, "incoming/bench/catalog.csv", bytes.NewReader(data)); err != nil {
		b.Fatal(err)
	}
	svc := ingest.New(ingest.Deps{Store: st, Blobs: bl, TempDir: b.TempDir()})
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		c, err := svc.Ingest(ctx, ingest.Request{Partner: "bench", Key: "incoming/bench/catalog.csv", DryRun: true})
		if err != nil {
			b.Fatal(err)
		}
		if c.Status != catalog.StatusDone || c.Report.Rows != benchRows() {
			b.Fatalf("%s: %+v", c.Status, c.Report)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(benchRows()), "ns/row")
}

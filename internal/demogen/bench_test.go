package demogen

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// heapProbe is an io.Writer that discards its input and, every probeEvery
// bytes, collects garbage and records the live heap: the memory the writer
// really holds, which must not grow with the number of rows.
type heapProbe struct {
	n, next uint64
	maxHeap uint64
}

const probeEvery = 4 << 20

func (h *heapProbe) Write(p []byte) (int, error) {
	h.n += uint64(len(p))
	if h.n >= h.next {
		h.next = h.n + probeEvery
		h.sample()
	}
	return len(p), nil
}

func (h *heapProbe) sample() {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	h.maxHeap = max(h.maxHeap, ms.HeapAlloc)
}

// measure writes rows rows and returns the bytes allocated per row and the
// largest live heap seen while writing, above the heap before.
func measure(t *testing.T, f Format, rows int) (perRow float64, liveHeap int64) {
	t.Helper()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	probe := &heapProbe{}
	if _, err := Write(context.Background(), probe, f, Options{Seed: 1, Rows: rows, Profile: ProfileFrenchTextile, DefectRate: 0.01}); err != nil {
		t.Fatal(err)
	}
	probe.sample()
	runtime.ReadMemStats(&after)
	return float64(after.TotalAlloc-before.TotalAlloc) / float64(rows), int64(probe.maxHeap) - int64(before.HeapAlloc)
}

// TestMemoryFlat checks that memory does not grow with the row count: the
// bytes allocated per row at 100k rows stay within 10% of those at 10k, and
// the live heap while writing 100k rows stays within a few MiB of the heap
// while writing 10k. A writer that kept rows, or built the file in memory,
// fails both.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 110k rows per format; skipped in -short mode")
	}
	for _, f := range Formats() {
		t.Run(string(f), func(t *testing.T) {
			small, heapSmall := measure(t, f, 10_000)
			large, heapLarge := measure(t, f, 100_000)
			t.Logf("%s: %.0f B/row at 10k, %.0f B/row at 100k (ratio %.3f); live heap %d KiB at 10k, %d KiB at 100k",
				f, small, large, large/small, heapSmall>>10, heapLarge>>10)
			if large/small > 1.10 {
				t.Errorf("allocation per row grows with rows: %.0f B/row at 10k, %.0f at 100k", small, large)
			}
			if heapLarge > heapSmall+8<<20 {
				t.Errorf("live heap grows with rows: %d KiB at 10k rows, %d KiB at 100k", heapSmall>>10, heapLarge>>10)
			}
		})
	}
}

// BenchmarkWrite writes 10k and 100k rows in every format. Compare B/op
// divided by rows (reported as B/row) between the sizes: it must stay flat.
func BenchmarkWrite(b *testing.B) {
	for _, f := range Formats() {
		for _, rows := range []int{10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/rows=%d", f, rows), func(b *testing.B) {
				benchWrite(b, f, rows)
			})
		}
	}
}

// BenchmarkWriteCSV1M writes the 1,000,000-row CSV of the ingest benchmark.
func BenchmarkWriteCSV1M(b *testing.B) { benchWrite(b, FormatCSV, 1_000_000) }

func benchWrite(b *testing.B, f Format, rows int) {
	b.ReportAllocs()
	var st Stats
	for b.Loop() {
		var err error
		st, err = Write(context.Background(), io.Discard, f, Options{Seed: 1, Rows: rows, Profile: ProfileFrenchOffice, DefectRate: 0.01})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(st.Bytes)
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(rows)/sec, "rows/s")
}

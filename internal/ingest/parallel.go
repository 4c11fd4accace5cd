package ingest

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
)

// batchRows is how many rows travel together between the stages.
const batchRows = 256

// batch is a run of rows on their way through the pipeline: read by the
// reader, prepared by a worker, consumed in file order.
type batch struct {
	rows  []tabular.Row
	prep  []prepared
	err   error         // the reader's error after these rows (io.EOF at the end)
	ready chan struct{} // closed once prep is filled
}

// readParallel streams the rest of a fixed-header file (CSV, XLSX) through
// three stages: one goroutine reads and parses rows, workers prepare them
// (clean values, build and hash single-row products) in parallel, and this
// goroutine consumes them in file order (assembly, report, writes). At most
// a few batches are in flight, so memory stays flat.
func (r *run) readParallel() error {
	workers := max(1, runtime.GOMAXPROCS(0))
	ctx, cancel := context.WithCancel(r.ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // the reader must be done with the file before it is closed
	defer cancel()
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	wg.Add(1)
	go func() { // reader
		defer wg.Done()
		defer close(work)
		defer close(order)
		for {
			b := &batch{ready: make(chan struct{})}
			for len(b.rows) < batchRows {
				row, err := r.rd.Next()
				if err != nil {
					b.err = err
					break
				}
				row.Cells = append([]string(nil), row.Cells...) // the reader reuses its slice
				b.rows = append(b.rows, row)
			}
			select {
			case work <- b:
			case <-ctx.Done():
				return
			}
			select {
			case order <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	for range workers {
		go func() {
			for b := range work {
				b.prep = make([]prepared, len(b.rows))
				for i, row := range b.rows {
					b.prep[i] = r.prepare(row)
				}
				close(b.ready)
			}
		}()
	}
	for b := range order {
		select {
		case <-b.ready:
		case <-ctx.Done():
			return ctxErr(ctx.Err())
		}
		for i := range b.prep {
			if err := r.consume(&b.prep[i]); err != nil {
				return err
			}
		}
		if b.err != nil {
			if errors.Is(b.err, io.EOF) {
				return nil
			}
			return b.err
		}
		if err := r.ctx.Err(); err != nil {
			return ctxErr(r.ctx.Err())
		}
	}
	return nil
}

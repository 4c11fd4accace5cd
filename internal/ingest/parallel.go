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
	rows     []tabular.Row
	cells    []string // backing store of the rows' cells
	prepared []preparedRow
	err      error         // the reader's error after these rows (io.EOF at the end)
	ready    chan struct{} // closed once prep is filled
}

// reset empties b for reuse: nothing keeps a row's cell slice or prepared
// value once consumed (products hold the strings, not the slices).
func (b *batch) reset() {
	clear(b.rows)
	b.rows = b.rows[:0]
	clear(b.cells)
	b.cells = b.cells[:0]
	clear(b.prepared)
	b.prepared = b.prepared[:0]
	b.err = nil
	b.ready = make(chan struct{})
}

// readParallel streams the rest of a fixed-header file (CSV, XLSX) through
// the stages: one goroutine reads and parses rows, workers prepare them
// (clean values, build and hash single-row products) in parallel, and this
// goroutine consumes them in file order (assembly, report, writes). At most
// a few batches are in flight, so memory stays flat.
func (p *pipeline) readParallel(parent context.Context) error {
	workers := max(1, runtime.GOMAXPROCS(0))
	ctx, cancel := context.WithCancel(parent)
	var wg sync.WaitGroup
	defer wg.Wait() // the reader must be done with the file before it is closed
	defer cancel()
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	// Batches are recycled: at most cap(free) exist, which bounds memory
	// and spares the garbage collector.
	free := make(chan *batch, 3*workers+1)
	for range cap(free) {
		free <- &batch{}
	}
	wg.Go(func() { // reader
		defer close(work)
		defer close(order)
		for {
			var b *batch
			select {
			case b = <-free:
			case <-ctx.Done():
				return
			}
			b.reset()
			for len(b.rows) < batchRows {
				row, err := p.reader.table.Next()
				if err != nil {
					b.err = err
					break
				}
				// The reader reuses its slice: keep the cells in the batch.
				start := len(b.cells)
				b.cells = append(b.cells, row.Cells...)
				row.Cells = b.cells[start:len(b.cells):len(b.cells)]
				b.rows = append(b.rows, row)
			}
			// Cells appended after a reallocation left earlier rows on the
			// old array, which stays valid; nothing is lost.
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
	})
	for range workers {
		go func() {
			var hashes hashBuf
			for b := range work {
				if cap(b.prepared) < len(b.rows) {
					b.prepared = make([]preparedRow, len(b.rows), batchRows)
				}
				b.prepared = b.prepared[:len(b.rows)]
				for i, row := range b.rows {
					p.reader.prepare(row, &b.prepared[i])
					p.assembler.prepareAhead(&b.prepared[i], &hashes)
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
		p.writer.touchAhead(b.prepared)
		for i := range b.prepared {
			if err := p.consume(ctx, &b.prepared[i]); err != nil {
				return err
			}
		}
		last := b.err
		free <- b
		if last != nil {
			b = &batch{err: last}
		}
		if b.err != nil {
			if errors.Is(b.err, io.EOF) {
				return nil
			}
			return b.err
		}
		if err := parent.Err(); err != nil {
			return ctxErr(err)
		}
	}
	return nil
}

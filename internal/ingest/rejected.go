package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// rejectWriter collects rejected rows in a temporary file, then stores
// them as a CSV with an ingest_error first column, ready for the partner
// to fix and upload again.
type rejectWriter struct {
	dir string
	f   *os.File
	w   *csv.Writer
	err error
}

func newRejectWriter(dir string) *rejectWriter { return &rejectWriter{dir: dir} }

func (w *rejectWriter) write(msg string, cells []string) error {
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		f, err := os.CreateTemp(w.dir, "rejected-*.csv")
		if err != nil {
			w.err = catalog.Wrap(catalog.CodeInternal, err, "temporary file for rejected rows")
			return w.err
		}
		w.f, w.w = f, csv.NewWriter(f)
	}
	rec := make([]string, 0, len(cells)+1)
	rec = append(rec, Neutralize(msg))
	for _, c := range cells {
		rec = append(rec, Neutralize(c))
	}
	if err := w.w.Write(rec); err != nil {
		w.err = catalog.Wrap(catalog.CodeInternal, err, "write rejected rows")
	}
	return w.err
}

// save stores the CSV (header, then the rows) under key.
func (w *rejectWriter) save(ctx context.Context, blobs catalog.Blobs, key string, header []string) error {
	if w.err != nil {
		return w.err
	}
	if w.f == nil {
		return nil
	}
	w.w.Flush()
	if err := w.w.Error(); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "write rejected rows")
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "read rejected rows")
	}
	var head bytes.Buffer
	hw := csv.NewWriter(&head)
	rec := []string{"ingest_error"}
	for _, h := range header {
		rec = append(rec, Neutralize(h))
	}
	_ = hw.Write(rec)
	hw.Flush()
	_, err := blobs.Put(ctx, key, io.MultiReader(&head, w.f))
	return err
}

func (w *rejectWriter) discard() {
	if w == nil || w.f == nil {
		return
	}
	_ = w.f.Close()
	_ = os.Remove(w.f.Name())
	w.f = nil
}

// Neutralize makes a cell safe to open in a spreadsheet: a cell starting
// with = + - @ tab or CR (which spreadsheet apps may run as a formula) is
// prefixed with a single quote.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

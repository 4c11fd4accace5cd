package ingest

import (
	"bytes"
	"context"
	"encoding/csv"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// rejectWriter collects rejected rows in a temporary file, then stores
// them as a CSV with an ingest_error first column, ready for the partner
// to fix and upload again.
type rejectWriter struct{ spool csvSpool }

func newRejectWriter(dir string) *rejectWriter {
	return &rejectWriter{spool: csvSpool{dir: dir, pattern: "rejected-*.csv", what: "rejected rows"}}
}

func (w *rejectWriter) write(msg string, cells []string) error {
	return w.spool.write(append([]string{msg}, cells...))
}

// save stores the CSV (header, then the rows) under key; nothing when no
// row was rejected.
func (w *rejectWriter) save(ctx context.Context, blobs catalog.Blobs, key string, header []string) error {
	if w.spool.err == nil && w.spool.empty() {
		return nil
	}
	var head bytes.Buffer
	hw := csv.NewWriter(&head)
	rec := []string{"ingest_error"}
	for _, h := range header {
		rec = append(rec, Neutralize(h))
	}
	_ = hw.Write(rec)
	hw.Flush()
	return w.spool.store(ctx, blobs, key, &head)
}

func (w *rejectWriter) discard() {
	if w != nil {
		w.spool.discard()
	}
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

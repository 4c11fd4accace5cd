package ingest

import (
	"context"
	"encoding/csv"
	"io"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// csvSpool holds CSV rows in a temporary file, made at the first row,
// until they are stored as a blob: the rejected rows and the products to
// fix, which can be as long as the catalog file. Every cell is written
// Neutralized. The first error sticks: later writes and the store return it.
type csvSpool struct {
	dir     string // where the temporary file goes
	pattern string // its name, os.CreateTemp's pattern
	what    string // what it holds, for errors: "rejected rows"
	f       *os.File
	w       *csv.Writer
	err     error
}

// write spools one row.
func (s *csvSpool) write(rec []string) error {
	if s.err != nil {
		return s.err
	}
	if s.f == nil {
		f, err := os.CreateTemp(s.dir, s.pattern)
		if err != nil {
			s.err = catalog.Wrap(catalog.CodeInternal, err, "temporary file for "+s.what)
			return s.err
		}
		s.f, s.w = f, csv.NewWriter(f)
	}
	out := make([]string, len(rec))
	for i, c := range rec {
		out[i] = Neutralize(c)
	}
	if err := s.w.Write(out); err != nil {
		s.err = catalog.Wrap(catalog.CodeInternal, err, "write "+s.what)
	}
	return s.err
}

// empty reports whether no row was spooled.
func (s *csvSpool) empty() bool { return s.f == nil }

// store puts head (nil for none) and then the spooled rows under key.
func (s *csvSpool) store(ctx context.Context, blobs catalog.Blobs, key string, head io.Reader) error {
	if s.err != nil {
		return s.err
	}
	s.w.Flush()
	if err := s.w.Error(); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "write "+s.what)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "read "+s.what)
	}
	var body io.Reader = s.f
	if head != nil {
		body = io.MultiReader(head, s.f)
	}
	_, err := blobs.Put(ctx, key, body)
	return err
}

// discard removes the temporary file.
func (s *csvSpool) discard() {
	if s == nil || s.f == nil {
		return
	}
	_ = s.f.Close()
	_ = os.Remove(s.f.Name())
	s.f = nil
}

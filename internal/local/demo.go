package local

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/demogen"
)

// SeedDemo ingests the demo catalogs when the store holds no catalog yet,
// through the same path as any file (blob, ingest, change feed, index), and
// returns how many it ingested. Running it again on a seeded folder does
// nothing.
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

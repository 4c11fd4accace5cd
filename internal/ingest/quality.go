package ingest

import (
	"context"
	"encoding/csv"
	"io"
	"os"

	"github.com/catalogsearch/catalogsearch/internal/analysis"
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/intake"
)

// qualityRun scores the products of one run (package analysis): each
// product keeps its score, the report gets the summary, and the products
// that fail a rule are spooled to a temporary file that becomes the
// catalog's products-to-fix CSV. Unchanged products are scored too, so the
// summary and the list cover the whole file.
type qualityRun struct {
	sum analysis.Summary
	dir string
	f   *os.File
	w   *csv.Writer
	err error
}

// score sets p's quality and offer key and, when count (the product's
// first emission in the file), counts and spools it; dry runs count
// without spooling.
func (q *qualityRun) score(p *catalog.Product, partner string, dry, count bool) error {
	p.OfferKey = analysis.OfferKey(p)
	if !count {
		qual := analysis.Score(p)
		p.Quality = &qual
		return nil
	}
	qual := q.sum.Add(p)
	p.Quality = &qual
	if len(qual.Issues) == 0 || dry || q.err != nil {
		return q.err
	}
	if q.f == nil {
		f, err := os.CreateTemp(q.dir, "to-fix-*.csv")
		if err != nil {
			q.err = catalog.Wrap(catalog.CodeInternal, err, "temporary file for products to fix")
			return q.err
		}
		q.f, q.w = f, csv.NewWriter(f)
		q.write(analysis.ToFixHeader())
	}
	rec := analysis.ToFixRecord(p, qual)
	if rec[0] == "" { // the ID is set for products written, not yet for unchanged ones
		rec[0] = catalog.ProductID(partner, p.Key)
	}
	for i, c := range rec {
		rec[i] = Neutralize(c)
	}
	q.write(rec)
	return q.err
}

func (q *qualityRun) write(rec []string) {
	if err := q.w.Write(rec); err != nil && q.err == nil {
		q.err = catalog.Wrap(catalog.CodeInternal, err, "write products to fix")
	}
}

// save stores the products-to-fix CSV of catalogID, replacing any older
// one (none when no product fails a rule).
func (q *qualityRun) save(ctx context.Context, blobs catalog.Blobs, catalogID string) error {
	if q.err != nil {
		return q.err
	}
	if q.f == nil {
		return blobs.Delete(ctx, intake.ToFixKey(catalogID))
	}
	q.w.Flush()
	if err := q.w.Error(); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "write products to fix")
	}
	if _, err := q.f.Seek(0, io.SeekStart); err != nil {
		return catalog.Wrap(catalog.CodeInternal, err, "read products to fix")
	}
	_, err := blobs.Put(ctx, intake.ToFixKey(catalogID), q.f)
	return err
}

func (q *qualityRun) discard() {
	if q.f == nil {
		return
	}
	_ = q.f.Close()
	_ = os.Remove(q.f.Name())
	q.f = nil
}

// copyToFix copies the products-to-fix CSV of catalog from to catalog to
// (an unchanged file has its predecessor's products).
func copyToFix(ctx context.Context, blobs catalog.Blobs, from, to string) error {
	rc, _, err := blobs.Open(ctx, intake.ToFixKey(from))
	if catalog.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = blobs.Put(ctx, intake.ToFixKey(to), rc)
	return err
}

package ingest

import (
	"context"

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
	sum   analysis.Summary
	spool csvSpool
}

func newQualityRun(dir string) qualityRun {
	return qualityRun{spool: csvSpool{dir: dir, pattern: "to-fix-*.csv", what: "products to fix"}}
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
	if len(qual.Issues) == 0 || dry || q.spool.err != nil {
		return q.spool.err
	}
	if q.spool.empty() {
		if err := q.spool.write(analysis.ToFixHeader()); err != nil {
			return err
		}
	}
	rec := analysis.ToFixRecord(p, qual)
	if rec[0] == "" { // the ID is set for products written, not yet for unchanged ones
		rec[0] = catalog.ProductID(partner, p.Key)
	}
	return q.spool.write(rec)
}

// save stores the products-to-fix CSV of catalogID, replacing any older
// one (none when no product fails a rule).
func (q *qualityRun) save(ctx context.Context, blobs catalog.Blobs, catalogID string) error {
	if q.spool.err == nil && q.spool.empty() {
		return blobs.Delete(ctx, intake.ToFixKey(catalogID))
	}
	return q.spool.store(ctx, blobs, intake.ToFixKey(catalogID), nil)
}

func (q *qualityRun) discard() { q.spool.discard() }

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

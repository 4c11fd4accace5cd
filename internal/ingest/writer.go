package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
)

// writeBatch is how many products one PutProducts call carries.
const writeBatch = 200

// productWriter is the last stage of the pipeline: it stores the finished
// products of one catalog in batches, skips those whose content hash is
// already stored (the delta), counts them in the report and, at the end
// of a full catalog, removes the partner's products the file no longer
// mentions.
type productWriter struct {
	store   catalog.Store
	partner string
	report  *catalog.Report
	dryRun  bool
	// stored maps the hash of each stored product ID to its content hash;
	// seen holds the ID hashes of the products of this file.
	stored, seen *idTable
	// pictured holds the ID hashes of the stored products that show
	// pictures (Product.Pictures), which a rewrite carries forward.
	pictured *idTable
	batch    []catalog.Product
	// kinds says, for each product of batch, the change it is to the
	// store: created, changed, or "" (a repeat of a product of this file).
	kinds []catalog.ChangeKind
	// catalogID and at date the changes this ingest records (history.go).
	catalogID string
	at        time.Time
	// held lists the products a held full catalog would remove.
	held    []catalog.Product
	written int // products stored so far
	// quality scores every product (quality.go).
	quality qualityRun
	// touched is the sum of the table slots touched ahead of lookups
	// (see touchAhead); it has no other use.
	touched uint64
	// spool, when set, takes the batches instead of the store: the
	// products are written in chunks by other runs (chunks.go).
	spool *chunkSpool
	// deferred counts the removals left for the run that finishes a
	// catalog written in chunks.
	deferred int
}

func newProductWriter(store catalog.Store, c *catalog.Catalog, report *catalog.Report, dryRun bool, tempDir string, at time.Time) *productWriter {
	return &productWriter{store: store, partner: c.Partner, catalogID: c.ID, at: at, report: report, dryRun: dryRun,
		stored: newIDMap(), seen: newIDSet(), pictured: newIDSet(), quality: newQualityRun(tempDir)}
}

// loadStored reads the content hash of every stored product of the
// partner: the delta compares against it, and the removal of missing
// products counts from it.
func (w *productWriter) loadStored(ctx context.Context) error {
	for p, err := range w.store.Products(ctx, w.partner) {
		if err != nil {
			return err
		}
		h := idHash(p.ID)
		w.stored.put(h, contentHash64(p.Hash))
		if len(p.Pictures) > 0 {
			w.pictured.put(h, 0)
		}
	}
	return nil
}

// alreadySeen reports whether this file already made the product whose ID
// hashes to idHash.
func (w *productWriter) alreadySeen(idHash uint64) bool { return w.seen.has(idHash) }

// touchAhead reads the table slots of a batch's single-row products before
// they are looked up (see idTable.touch).
func (w *productWriter) touchAhead(rows []preparedRow) {
	var sum uint64
	for i := range rows {
		if rows[i].hasSingle {
			h := rows[i].single.idHash
			sum += w.seen.touch(h) + w.stored.touch(h)
		}
	}
	w.touched += sum
}

// write stores a finished product (idHash: the hash of its ID, sum: its
// content hash) unless its content hash is already stored, and counts it.
// The product's ID and hash strings are made here, for a product written.
func (w *productWriter) write(ctx context.Context, p *catalog.Product, idHash, sum uint64) error {
	duplicate := w.seen.put(idHash, 0)
	if err := w.quality.score(p, w.partner, w.dryRun, !duplicate); err != nil {
		return err
	}
	old, exists := w.stored.get(idHash)
	var kind catalog.ChangeKind
	if !duplicate {
		w.report.Products++
		switch {
		case exists && old == sum|1: // contentHash64 of the stored hash string
			w.report.Unchanged++
			return nil
		case exists:
			w.report.Updated++
			kind = catalog.ChangeChanged
		default:
			w.report.Created++
			kind = catalog.ChangeCreated
		}
	}
	if w.dryRun {
		return nil
	}
	p.ID = catalog.ProductID(w.partner, p.Key)
	p.Hash = hashString(sum)
	w.batch = append(w.batch, *p)
	w.kinds = append(w.kinds, kind)
	if len(w.batch) >= writeBatch {
		return w.flush(ctx)
	}
	return nil
}

// flush stores the products waiting in the batch, after the changes they
// make (history.go). A product rewritten (another price, say) keeps the
// pictures it showed of the image URLs it still has: they derive from the
// URLs alone (the image run refreshes them when the content behind a URL
// changes), so the product never falls back to the placeholder until the
// next image run. The stored products a rewrite needs (for its pictures,
// for the fields that changed) are read in one GetProducts call.
func (w *productWriter) flush(ctx context.Context) error {
	if len(w.batch) == 0 {
		return nil
	}
	if w.spool != nil {
		return w.spoolBatch(ctx)
	}
	var ids []string
	for i := range w.batch {
		if w.kinds[i] == catalog.ChangeChanged || w.pictured.has(idHash(w.batch[i].ID)) {
			ids = append(ids, w.batch[i].ID)
		}
	}
	olds := map[string]*catalog.Product{}
	if len(ids) > 0 {
		stored, err := w.store.GetProducts(ctx, ids)
		if err != nil {
			return err
		}
		for i := range stored {
			olds[stored[i].ID] = &stored[i]
		}
	}
	changes := make([]catalog.ProductChange, 0, len(w.batch))
	for i := range w.batch {
		p := &w.batch[i]
		old := olds[p.ID]
		if old != nil && w.pictured.has(idHash(p.ID)) {
			p.Pictures = keptPictures(p.Images, old.Pictures)
		}
		if c, ok := w.change(w.kinds[i], old, p); ok {
			changes = append(changes, c)
		}
	}
	if len(changes) > 0 {
		if err := w.store.PutChanges(ctx, changes); err != nil {
			return err
		}
	}
	if _, err := w.store.PutProducts(ctx, w.batch); err != nil {
		return err
	}
	w.written += len(w.batch)
	clear(w.batch)
	w.batch = w.batch[:0]
	w.kinds = w.kinds[:0]
	return nil
}

// removeMissing removes (or, over the guard, holds) the partner's stored
// products that this full catalog does not mention. force removes them
// whatever the guard (a confirmed catalog). With deferTo, the removals
// are stored there for the run that finishes a catalog written in chunks
// (deferRemovals), and counted in w.deferred.
func (w *productWriter) removeMissing(ctx context.Context, guard float64, force bool, deferTo catalog.Blobs) error {
	missing := 0
	w.stored.each(func(h, _ uint64) {
		if !w.seen.has(h) {
			missing++
		}
	})
	if missing == 0 {
		return nil
	}
	total := w.stored.len()
	if !force && float64(missing) > guard*float64(total) {
		w.report.Status = catalog.StatusNeedsConfirmation
		w.report.Reason = fmt.Sprintf("this full catalog would remove %d of the partner's %d products (%.0f%%), more than the %.0f%% guard; "+
			"nothing was removed: confirm the catalog to remove them, or send the file as partial", missing, total,
			100*float64(missing)/float64(total), 100*guard)
		if w.dryRun {
			return nil
		}
		// What would go, for the partner to review before confirming.
		for p, err := range w.store.Products(ctx, w.partner) {
			if err != nil {
				return err
			}
			if !w.seen.has(idHash(p.ID)) {
				w.held = append(w.held, catalog.Product{ID: p.ID, SKU: p.SKU, GTIN: p.GTIN, Name: p.Name})
			}
		}
		return nil
	}
	if w.dryRun {
		w.report.Removed = missing
		return nil
	}
	if deferTo != nil {
		n, err := w.deferRemovals(ctx, deferTo)
		w.deferred = n
		return err
	}
	var ids []string
	var changes []catalog.ProductChange
	for p, err := range w.store.Products(ctx, w.partner) {
		if err != nil {
			return err
		}
		if !w.seen.has(idHash(p.ID)) {
			ids = append(ids, p.ID)
			changes = append(changes, w.removal(&p))
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), writeBatch)
		if err := w.store.PutChanges(ctx, changes[:n]); err != nil {
			return err
		}
		if err := w.store.DeleteProducts(ctx, ids[:n]); err != nil {
			return err
		}
		w.report.Removed += n
		ids, changes = ids[n:], changes[n:]
	}
	return nil
}

// reserve sizes the set of seen products from the file's size and the
// length of its first rows (CSV only: XLSX is compressed), with a margin.
func (w *productWriter) reserve(format string, fileSize int64, rows []tabular.Row) {
	if format != tabular.FormatCSV || fileSize <= 0 || len(rows) == 0 {
		return
	}
	n := 0
	for _, row := range rows {
		for _, c := range row.Cells {
			n += len(c) + 1
		}
	}
	average := max(16, n/len(rows))
	estimate := min(fileSize/int64(average)*11/10, 8<<20)
	w.seen.reserve(int(estimate))
}

// keptPictures is the pictures of old that show one of urls, in the order
// of urls: what a rewritten product with image URLs urls still shows.
func keptPictures(urls []string, old []catalog.Picture) []catalog.Picture {
	var kept []catalog.Picture
	for _, u := range urls {
		if i := slices.IndexFunc(old, func(pic catalog.Picture) bool { return pic.Source == u }); i >= 0 {
			kept = append(kept, old[i])
		}
	}
	return kept
}

package ingest

import (
	"context"
	"fmt"

	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
)

// flatAssembler is the strategy of files without variant grouping: each
// row is a product, built and hashed ahead while rows are prepared; a row
// with the same key right after it and no name adds to it (extra images).
// Products are finished as soon as the next one starts, so memory stays
// flat whatever the file's size.
type flatAssembler struct {
	*assembly
	open       *draft // the product being assembled (&openBuffer), nil when none
	openBuffer draft
}

func (fa *flatAssembler) prepareAhead(row *preparedRow, hashes *hashBuf) {
	if row.blank || row.rejected || row.values.name == "" {
		return
	}
	key := row.values.identifier()
	if key == "" {
		return
	}
	d := &row.single
	fa.initDraft(d, key, row.number)
	fa.applyMain(d, row.cells, row.values, true)
	d.sum, d.hashed = hashes.productSum(&d.product), true
	row.hasSingle = true
}

func (fa *flatAssembler) add(ctx context.Context, row *preparedRow) error {
	v := &row.values
	key := v.identifier()
	if l := fa.layout(); l.derived {
		if key == "" {
			return fa.book.reject(row.number, row.cells, l.headerOf(mapping.FieldName), CodeMissingName,
				"the row has no product name, from which its key is derived")
		}
		if fa.open != nil && fa.open.key == key || fa.writer.alreadySeen(productIDHash(fa.record.Partner, key)) {
			return fa.book.reject(row.number, row.cells, l.headerOf(mapping.FieldName), CodeDuplicateKey,
				fmt.Sprintf("the row has the same %s as an earlier row, so the same derived key %q: it was not merged; "+
					"add a column that tells them apart (a SKU, a pack size)", l.derivedNote(), key))
		}
	}
	if key == "" {
		return fa.book.reject(row.number, row.cells, "", CodeMissingIdentifier, missingIDMessage)
	}
	if fa.open != nil && fa.open.key == key {
		if v.name == "" {
			n := len(fa.open.product.Images)
			addImages(&fa.open.product, v.images)
			if len(fa.open.product.Images) != n {
				fa.open.hashed = false // changed: hash again when finished
			}
			fa.open.rowNumbers = append(fa.open.rowNumbers, row.number)
			return nil
		}
		fa.book.warn(row.number, fa.layout().headerOf(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of row %d; the last row wins", key, fa.open.product.Source.Row))
		rowNumbers := fa.open.rowNumbers
		fa.open = fa.start(row, key)
		fa.open.rowNumbers = append(rowNumbers, row.number)
		return nil
	}
	if v.name == "" {
		return fa.book.reject(row.number, row.cells, fa.layout().headerOf(mapping.FieldName), CodeMissingName, "the row has no product name")
	}
	if err := fa.finishOpen(ctx); err != nil {
		return err
	}
	fa.open = fa.start(row, key)
	fa.open.rowNumbers = append(fa.open.rowNumbers, row.number)
	if fa.writer.alreadySeen(fa.open.idHash) {
		fa.book.warn(row.number, fa.layout().headerOf(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of an earlier row; the last row wins", key))
	}
	return nil
}

// start begins a product from a row, using the product and hash that
// prepareAhead built when there is one. The product is assembled in the
// assembler's own draft, reused from product to product (the writer
// copies what it keeps), with its rowNumbers slice.
func (fa *flatAssembler) start(row *preparedRow, key string) *draft {
	d := &fa.openBuffer
	rowNumbers := d.rowNumbers[:0]
	if row.hasSingle {
		*d = row.single // the batch's reset clears row.single
		row.hasSingle = false
	} else {
		*d = draft{}
		fa.initDraft(d, key, row.number)
		fa.applyMain(d, row.cells, row.values, true)
	}
	d.rowNumbers = rowNumbers
	return d
}

func (fa *flatAssembler) finishOpen(ctx context.Context) error {
	if fa.open == nil {
		return nil
	}
	d := fa.open
	fa.open = nil
	return fa.finishDraft(ctx, d)
}

func (fa *flatAssembler) finish(ctx context.Context) error { return fa.finishOpen(ctx) }

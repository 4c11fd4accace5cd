package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// maxGroupProducts bounds the products a grouped file holds in memory
// until its end.
const maxGroupProducts = 500_000

// groups is what the grouping strategies share: every product of the file
// is held until its end, since any row may add to any product.
type groups struct {
	*assembly
	drafts map[string]*draft
	order  []string // keys, in file order
}

func newGroups(base *assembly) groups {
	return groups{assembly: base, drafts: map[string]*draft{}}
}

// prepareAhead does nothing: a row of a grouped file is never a product on
// its own before the file ends.
func (g *groups) prepareAhead(*preparedRow, *hashBuf) {}

// draftFor returns the product of key, started at row rowNumber when new,
// with the row counted as one of its rows.
func (g *groups) draftFor(key string, row *preparedRow) (*draft, error) {
	d := g.drafts[key]
	if d == nil {
		if len(g.drafts) >= maxGroupProducts {
			return nil, &refusal{fmt.Sprintf("the file groups more than %d products by a parent or handle column; split it", maxGroupProducts)}
		}
		d = g.newDraft(key, row.number)
		g.drafts[key] = d
		g.order = append(g.order, key)
	}
	d.rowNumbers = append(d.rowNumbers, row.number)
	if d.product.Name == "" && d.altName == "" && row.values.name == "" {
		// Until some row names the product, keep the rows as read: the
		// product may end nameless and its rows rejected.
		for len(d.rawRows) < len(d.rowNumbers)-1 {
			d.rawRows = append(d.rawRows, nil)
		}
		d.rawRows = append(d.rawRows, append([]string(nil), row.cells...))
	} else {
		d.rawRows = nil
	}
	return d, nil
}

// options are the row's values of the option columns (Option1 Name/Value,
// Attribute 1 name/value(s)) and, when plain is set, of the plain columns
// that usually tell variants apart (colour, size...: kept at the end only
// where the variants differ).
func (g *groups) options(d *draft, cells []string, plain bool) map[string]string {
	options := map[string]string{}
	for _, o := range g.layout().fields.Options {
		name, value := option(d, cells, o)
		if value == "" || (name == "Title" && value == "Default Title") {
			continue
		}
		options[name] = value
	}
	if !plain {
		return options
	}
	for _, c := range g.layout().fields.Columns {
		if c.Field != mapping.FieldAttribute || c.Index >= len(cells) || !optionHeader(c.Header) {
			continue
		}
		value := values.Text(cells[c.Index])
		if value == "" {
			continue
		}
		if _, ok := options[c.Header]; !ok {
			options[c.Header] = value
			if d.plainOptions == nil {
				d.plainOptions = map[string]bool{}
			}
			d.plainOptions[c.Header] = true
		}
	}
	return options
}

// finishAll finishes the products still held, in file order.
func (g *groups) finishAll(ctx context.Context) error {
	for _, key := range g.order {
		d := g.drafts[key]
		if d == nil {
			continue
		}
		delete(g.drafts, key)
		if err := g.finishDraft(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// handleAssembler is Shopify's convention: the rows that share a Handle
// are one product; the row that names it describes it, and every row with
// a SKU, options or a price is one of its variants.
type handleAssembler struct{ groups }

func (ha *handleAssembler) add(_ context.Context, row *preparedRow) error {
	v := &row.values
	key := v.handle
	if key == "" {
		key = v.identifier()
	}
	if key == "" {
		return ha.book.reject(row.number, row.cells, "", CodeMissingIdentifier, missingIDMessage)
	}
	d, err := ha.draftFor(key, row)
	if err != nil {
		return err
	}
	options := ha.options(d, row.cells, true)
	if v.name != "" {
		if d.hasMain {
			ha.book.warn(row.number, ha.layout().headerOf(mapping.FieldName), CodeDuplicateKey,
				fmt.Sprintf("%q names product %q again; the last row wins", v.name, key))
		}
		ha.applyMain(d, row.cells, *v, false)
	} else {
		addImages(&d.product, v.images)
	}
	if v.sku != "" || len(options) > 0 || v.price != nil {
		ha.addVariant(d, row.number, *v, options)
	}
	return nil
}

func (ha *handleAssembler) finish(ctx context.Context) error { return ha.finishAll(ctx) }

// parentAssembler is the convention of WooCommerce (and Akeneo, and
// supplier sheets with a model column): a row whose Parent names another
// product is a variant of it; a row without a parent (Parent empty, or 0
// as WooCommerce writes it) is a product of its own, a variable one when
// variants name it. A variable product keeps its own row's name,
// category and description; until (unless) that row comes, its first
// variant describes it.
type parentAssembler struct {
	groups
	ids map[string]string // export ID -> key of the product rows
}

// parentKey is the key a Parent cell names, "" for none: WooCommerce
// writes 0 (or id:0) on the rows that have no parent.
func parentKey(cell string) string {
	switch cell = strings.TrimSpace(cell); cell {
	case "0", "id:0":
		return ""
	}
	return cell
}

func (pa *parentAssembler) add(_ context.Context, row *preparedRow) error {
	v := &row.values
	own := v.identifier()
	parent := parentKey(v.parent)
	if parent != "" {
		return pa.addVariantRow(row, parent, own)
	}
	if own == "" {
		return pa.book.reject(row.number, row.cells, "", CodeMissingIdentifier, missingIDMessage)
	}
	d, err := pa.draftFor(own, row)
	if err != nil {
		return err
	}
	if v.id != "" {
		if pa.ids == nil {
			pa.ids = map[string]string{}
		}
		pa.ids[v.id] = own
	}
	d.ownRow = row.number
	pa.options(d, row.cells, false) // records the option names the variants may leave out
	if v.name == "" {
		addImages(&d.product, v.images)
		return nil
	}
	if d.hasMain {
		pa.book.warn(row.number, pa.layout().headerOf(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of row %d; the last row wins", own, d.product.Source.Row))
		d.product.Source.Row = row.number
	}
	pa.applyMain(d, row.cells, *v, true)
	return nil
}

// addVariantRow adds a row naming parent as its product.
func (pa *parentAssembler) addVariantRow(row *preparedRow, parent, own string) error {
	v := &row.values
	d, err := pa.draftFor(parent, row)
	if err != nil {
		return err
	}
	d.viaParent = true
	options := pa.options(d, row.cells, true)
	if d.altName == "" {
		d.altName = v.name
	}
	if !d.hasMain && !d.described && v.name != "" {
		// Until (unless) the product's own row comes, its first
		// variant describes it: brand, description, category...
		pa.applyMain(d, row.cells, *v, false)
		d.hasMain, d.described = false, true
	}
	if own == "" && len(options) == 0 {
		addImages(&d.product, v.images) // a continuation row: extra images
		return nil
	}
	pa.addVariant(d, row.number, *v, options)
	return nil
}

// finish joins the variants whose parent was written "id:44" (WooCommerce,
// for a parent without SKU) to the product of export ID 44, then finishes
// every product in file order.
func (pa *parentAssembler) finish(ctx context.Context) error {
	for _, key := range pa.order {
		d := pa.drafts[key]
		if d == nil || !strings.HasPrefix(key, "id:") {
			continue
		}
		target, ok := pa.ids[strings.TrimPrefix(key, "id:")]
		if !ok || pa.drafts[target] == nil || target == key {
			continue
		}
		t := pa.drafts[target]
		t.rowNumbers = append(t.rowNumbers, d.rowNumbers...)
		t.rawRows = append(t.rawRows, d.rawRows...)
		t.product.Variants = append(t.product.Variants, d.product.Variants...)
		addImages(&t.product, d.product.Images)
		delete(pa.drafts, key)
	}
	return pa.finishAll(ctx)
}

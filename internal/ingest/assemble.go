package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// Limits on what one product may carry.
const (
	maxAttributes     = 200
	maxImages         = 50
	maxVariants       = 1000
	maxAttributeValue = 4 << 10
)

// assembler is the middle stage of the pipeline: it turns prepared rows,
// in file order, into products, and hands each finished product to the
// writer. There is one strategy per way files tell variants apart:
// flatAssembler (each row is a product), handleAssembler (Shopify: rows
// sharing a Handle are one product) and parentAssembler (WooCommerce and
// the like: a Parent column names the product a variant row belongs to).
type assembler interface {
	// prepareAhead does the assembly work a row allows on its own (build
	// and hash a one-row product); it only reads the assembler, so rows
	// are prepared ahead in parallel.
	prepareAhead(row *preparedRow, hashes *hashBuf)
	// add assembles a prepared, accepted row.
	add(ctx context.Context, row *preparedRow) error
	// finish ends the file: the products still open are finished.
	finish(ctx context.Context) error
}

// newAssembler picks the strategy the mapped header calls for.
func newAssembler(base *assembly) assembler {
	switch {
	case base.layout().fields.Has(mapping.FieldHandle):
		base.byHandle = true
		return &handleAssembler{groups: newGroups(base)}
	case base.layout().fields.Has(mapping.FieldParent):
		return &parentAssembler{groups: newGroups(base)}
	default:
		return &flatAssembler{assembly: base}
	}
}

// draft is a product being assembled from one or more rows.
type draft struct {
	key        string
	product    catalog.Product
	rowNumbers []int
	rawRows    [][]string // grouped files: the rows' cells, in case the product is rejected at the end
	hasMain    bool
	altName    string         // a variant row's name, used when no row names the product
	optNames   map[int]string // option names given by the first row (Shopify)
	// sum is the product's hash (hashBuf.productSum) when hashed is set:
	// prepareAhead computed it and nothing changed since.
	sum    uint64
	hashed bool
	// viaParent is set when rows name this product as their parent.
	viaParent bool
	// ownRow is the last row that is the product's own (not a variant
	// naming it as parent), 0 when none: a product whose own row is there
	// but has no name is missing_name, not unknown_parent.
	ownRow int
	// described is set when a variant row gave the product-level fields,
	// for want of the product's own row.
	described bool
	// idHash is idHash of the product's ID, computed once. The ID itself
	// (product.ID) is only made for a product that is written.
	idHash uint64
	// plainOptions are the option names taken from plain columns
	// (Couleur, Taille), as opposed to option columns (Option1 Name).
	plainOptions map[string]bool
}

// assembly is what every strategy shares: where products come from, the
// layout of the file, the report and the writer, and the steps that build
// a product from rows.
type assembly struct {
	reader   *rowReader // its layout: which column holds which field
	record   *catalog.Catalog
	book     *reportBook
	writer   *productWriter
	now      time.Time
	hashes   hashBuf // for products finished on the consuming goroutine
	byHandle bool    // Shopify: the option columns of a row that is not the product's own are its variant's
}

func (a *assembly) layout() *layout { return a.reader.layout }

func (a *assembly) newDraft(key string, rowNumber int) *draft {
	d := new(draft)
	a.initDraft(d, key, rowNumber)
	return d
}

// initDraft sets d, which must be zero, to the start of product key.
func (a *assembly) initDraft(d *draft, key string, rowNumber int) {
	d.key, d.idHash = key, productIDHash(a.record.Partner, key)
	d.product = catalog.Product{
		Partner: a.record.Partner,
		Key:     key,
		Source:  catalog.Source{CatalogID: a.record.ID, File: a.record.File, Row: rowNumber},
	}
}

// applyMain sets the product-level fields from a row that describes the
// product. ownRow says whether the row's SKU, GTIN and price are the
// product's own (not a variant's).
func (a *assembly) applyMain(d *draft, cells []string, v rowValues, ownRow bool) {
	p := &d.product
	if d.described && !d.hasMain {
		p.Attributes = nil // the product's own row replaces what a variant said
	}
	d.hasMain = true
	p.Name = v.name
	p.Description = v.description
	p.Brand = v.brand
	p.Category = v.category
	if ownRow {
		p.SKU = v.sku
		p.GTIN = v.gtin
		p.Price = v.price
	}
	// What the price header says of tax ("Prix HT") holds for every price of the file.
	p.TaxBasis = a.layout().fields.PriceTax
	p.SupplierRef = v.supplierRef
	p.MOQ, p.LeadTimeDays = v.moq, v.leadTime
	// A product is as available as its most available row (variant).
	p.Availability = catalog.MoreAvailable(p.Availability, v.availability)
	p.Unit = v.unit
	p.Origin = strings.ToUpper(v.origin)
	if len(p.Origin) != 2 {
		p.Origin = v.origin
	}
	addImages(p, v.images)
	p.Attributes = a.attributes(cells, p.Attributes)
	if len(v.extraCategories) > 0 {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes[catalog.AttrOtherCategories] = strings.Join(v.extraCategories, ", ")
	}
	// Quantity price breaks ("qty_2"/"price_2", "Staffelpreis 1", "tiers"):
	// out of the attributes into Tiers.
	currency := a.reader.defaultCurrency
	if p.Price != nil {
		currency = p.Price.Currency
	}
	p.Tiers = takeTiers(p.Attributes, currency)
	if !a.byHandle || ownRow {
		// Option columns of a product row describe what it comes in.
		for _, o := range a.layout().fields.Options {
			name, value := option(d, cells, o)
			if value == "" || name == "" {
				continue
			}
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[name] = value
		}
	}
}

// attributes keeps every unmapped non-empty cell under its header.
func (a *assembly) attributes(cells []string, into map[string]string) map[string]string {
	for _, c := range a.layout().columns.attributes {
		if c.Index >= len(cells) {
			continue
		}
		value := values.Text(cells[c.Index])
		if value == "" || c.Header == "" {
			continue
		}
		if into == nil {
			into = map[string]string{}
		}
		if len(into) >= maxAttributes {
			break
		}
		if len(value) > maxAttributeValue {
			value = values.Text(value[:maxAttributeValue])
		}
		// JSON objects flatten to dotted keys; our own product JSON
		// keeps attributes under "attributes".
		into[values.Text(strings.TrimPrefix(c.Header, "attributes."))] = value
	}
	return into
}

func addImages(p *catalog.Product, urls []string) {
	if len(p.Images) == 0 && len(urls) == 1 {
		// The common case: share the one-URL slice (capped, so that a
		// later append copies it).
		p.Images = urls[:1:1]
		return
	}
	for _, u := range urls {
		if len(p.Images) >= maxImages {
			return
		}
		if !slices.Contains(p.Images, u) {
			p.Images = append(p.Images, u)
		}
	}
}

// option returns the name and value of a numbered option on a row; the
// name defaults to the one an earlier row of the product gave.
func option(d *draft, cells []string, o mapping.OptionPair) (string, string) {
	value := ""
	if o.Value < len(cells) {
		value = values.Text(cells[o.Value])
	}
	name := ""
	if o.Name >= 0 && o.Name < len(cells) {
		name = values.Text(cells[o.Name])
	}
	if name != "" {
		if d.optNames == nil {
			d.optNames = map[int]string{}
		}
		if _, ok := d.optNames[o.Number]; !ok {
			d.optNames[o.Number] = name
		}
	} else {
		name = d.optNames[o.Number]
	}
	if name == "" && value != "" {
		name = fmt.Sprintf("Option %d", o.Number)
	}
	return name, value
}

// addVariant adds a row's variant to d; a variant SKU seen before in the
// product replaces the earlier one.
func (a *assembly) addVariant(d *draft, rowNumber int, v rowValues, options map[string]string) {
	if len(d.product.Variants) >= maxVariants {
		return
	}
	sku := v.sku
	if sku == "" {
		sku = v.supplierRef
	}
	image := v.variantImage
	if image == "" && len(v.images) > 0 {
		image = v.images[0]
	}
	if len(options) == 0 {
		options = nil
	}
	variant := catalog.Variant{SKU: sku, GTIN: v.gtin, Options: options, Price: v.price, Image: image}
	d.product.Availability = catalog.MoreAvailable(d.product.Availability, v.availability)
	for i, o := range d.product.Variants {
		if sku != "" && o.SKU == sku {
			a.book.warn(rowNumber, a.layout().headerOf(mapping.FieldSKU), CodeDuplicateKey,
				fmt.Sprintf("variant %q appears twice in product %q; the last row wins", sku, d.key))
			d.product.Variants[i] = variant
			return
		}
	}
	d.product.Variants = append(d.product.Variants, variant)
}

// finishDraft completes a product (name, price from variants, hash) and
// writes it, or rejects its rows when it has no name.
func (a *assembly) finishDraft(ctx context.Context, d *draft) error {
	p := &d.product
	if p.Name == "" {
		p.Name = d.altName
	}
	if p.Name == "" {
		return a.rejectNameless(d)
	}
	pruneOptions(p, d.plainOptions)
	if len(p.Variants) == 1 && len(p.Variants[0].Options) == 0 {
		// One variant with no options is the product itself.
		v := p.Variants[0]
		if p.SKU == "" {
			p.SKU = v.SKU
		}
		if p.GTIN == "" {
			p.GTIN = v.GTIN
		}
		if p.Price == nil {
			p.Price = v.Price
		}
		if v.Image != "" {
			addImages(p, []string{v.Image})
		}
		p.Variants = nil
	}
	if p.Price == nil {
		for _, v := range p.Variants {
			if v.Price != nil && (p.Price == nil || v.Price.Currency == p.Price.Currency && v.Price.Amount.Cmp(p.Price.Amount) < 0) {
				price := *v.Price
				p.Price = &price
			}
		}
	}
	if p.Price != nil && p.Price.Amount.Float64() == 0 {
		// Files write 0 for "price on request", unless the partner's
		// settings say a zero is the price (zero_price: free).
		if p.Free = a.reader.settings.ZeroPrice == ZeroFree; !p.Free {
			a.book.warn(p.Source.Row, a.layout().headerOf(mapping.FieldPrice), CodeMissingPrice,
				fmt.Sprintf("product %q has a price of 0; it is listed as price on request (the zero_price setting \"free\" lists it as free)", d.key))
		}
	}
	if p.Price == nil && a.layout().columns.price >= 0 {
		// Kept: B2B catalogs list products on request. The partner sees it.
		a.book.warn(p.Source.Row, a.layout().headerOf(mapping.FieldPrice), CodeMissingPrice,
			fmt.Sprintf("product %q has no price; it is listed as price on request", d.key))
	}
	p.UpdatedAt = a.now
	if !d.hashed {
		d.sum = a.hashes.productSum(p)
	}
	a.book.report.Accepted += len(d.rowNumbers)
	return a.writer.write(ctx, p, d.idHash, d.sum)
}

// rejectNameless rejects every row of a product no row named.
func (a *assembly) rejectNameless(d *draft) error {
	for i, rowNumber := range d.rowNumbers {
		var cells []string
		if i < len(d.rawRows) {
			cells = d.rawRows[i]
		}
		code, message := CodeMissingName, fmt.Sprintf("no row names product %q", d.key)
		switch {
		case d.viaParent && d.ownRow == 0:
			code, message = CodeUnknownParent, fmt.Sprintf("product %q has no row with its name (is its parent row missing?)", d.key)
		case rowNumber == d.ownRow:
			message = "the row has no product name"
		case d.ownRow != 0:
			message = fmt.Sprintf("product %q has no name: its own row (row %d) has none", d.key, d.ownRow)
		}
		if err := a.book.reject(rowNumber, cells, "", code, message); err != nil {
			return err
		}
	}
	return nil
}

// optionHeader reports plain columns that usually tell variants apart.
func optionHeader(h string) bool {
	switch mapping.Normalize(h) {
	case "color", "colour", "couleur", "coloris", "size", "taille", "pointure", "dimension", "dimensions", "format", //nolint:misspell // French headers
		"material", "matiere", "style", "finish", "finition", "capacity", "capacite", "contenance", "length", "longueur",
		"width", "largeur", "weight", "poids", "volume", "variant", "variante", "declinaison", "modele de couleur":
		return true
	}
	return false
}

// pruneOptions settles the options found in plain columns (plain): one
// whose value differs between the variants is an option, and no longer a
// product attribute; one with the same value everywhere describes the
// whole product and stays an attribute only. Options from option columns
// are kept as given.
func pruneOptions(p *catalog.Product, plain map[string]bool) {
	for k := range plain {
		first, varies := "", false
		for i, v := range p.Variants {
			if i == 0 {
				first = v.Options[k]
			} else if v.Options[k] != first {
				varies = true
			}
		}
		if varies {
			delete(p.Attributes, k)
			continue
		}
		for i := range p.Variants {
			delete(p.Variants[i].Options, k)
			if len(p.Variants[i].Options) == 0 {
				p.Variants[i].Options = nil
			}
		}
		if first != "" {
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[k] = first
		}
	}
}

const missingIDMessage = "the row has no identifier (SKU, reference, EAN/GTIN or ID)"

package ingest

import (
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// Limits on what one product may carry.
const (
	maxAttributes = 200
	maxImages     = 50
	maxVariants   = 1000
	maxAttrValue  = 4 << 10
)

// draft is a product being assembled from one or more rows.
type draft struct {
	key      string
	p        catalog.Product
	rows     []int
	raws     [][]string // group mode: the rows' cells, in case the product is rejected at the end
	hasMain  bool
	altName  string         // a variant row's name, used when no row names the product
	optNames map[int]string // option names given by the first row (Shopify)
	// sum is the product's hash (hashBuf.productSum) when hashed is set:
	// prepare computed it and nothing changed since.
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
	// idh is idHash of the product's ID, computed once. The ID itself
	// (p.ID) is only made for a product that is written (see emit).
	idh uint64
	// plainOpts are the option names taken from plain columns (Couleur,
	// Taille), as opposed to option columns (Option1 Name).
	plainOpts map[string]bool
}

// vals are the cleaned values of one row.
type vals struct {
	sku, supplierRef, gtin, id, parent, handle string
	name, desc, brand                          string
	category, extraCats                        []string
	price                                      *catalog.Money
	images                                     []string
	variantImage                               string
	moq, lead                                  int
	unit, origin                               string
}

// columns holds the column of each field a row reads (-1 when absent),
// resolved once per header rather than looked up per cell.
type columns struct {
	sku, supplierRef, id, parent, handle, name, desc, shortDesc, brand, category int
	unit, origin, gtin, currency, price, variantImage, moq, lead                 int
	// images and attrs are the image and attribute columns, in order.
	images, attrs []mapping.Column
}

func resolveColumns(m *mapping.Mapping) columns {
	var images, attrs []mapping.Column
	for _, c := range m.Columns {
		switch c.Field {
		case mapping.FieldImage:
			images = append(images, c)
		case mapping.FieldAttribute:
			attrs = append(attrs, c)
		}
	}
	return columns{
		images: images, attrs: attrs,
		sku: m.Col(mapping.FieldSKU), supplierRef: m.Col(mapping.FieldSupplierRef), id: m.Col(mapping.FieldID),
		parent: m.Col(mapping.FieldParent), handle: m.Col(mapping.FieldHandle), name: m.Col(mapping.FieldName),
		desc: m.Col(mapping.FieldDescription), shortDesc: m.Col(mapping.FieldShortDescription),
		brand: m.Col(mapping.FieldBrand), category: m.Col(mapping.FieldCategory), unit: m.Col(mapping.FieldUnit),
		origin: m.Col(mapping.FieldOrigin), gtin: m.Col(mapping.FieldGTIN), currency: m.Col(mapping.FieldCurrency),
		price: m.Col(mapping.FieldPrice), variantImage: m.Col(mapping.FieldVariantImage), moq: m.Col(mapping.FieldMOQ),
		lead: m.Col(mapping.FieldLeadTime),
	}
}

// at returns cell i of a row, "" when the column is absent or the row
// shorter.
func (r *run) at(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

func (r *run) header1(f mapping.Field) string {
	i := r.m.Col(f)
	if i < 0 || i >= len(r.header) {
		return string(f)
	}
	return strings.TrimSpace(r.header[i])
}

// problem is a warning or a rejection found while preparing a row.
type problem struct {
	column, code, msg string
	reject            bool
}

// prepared is a row made ready for assembly: its cleaned values and
// problems and, for files without variant grouping, the product it makes
// on its own with that product's hash. prepare computes it without
// touching the run's state, so rows can be prepared in parallel.
type prepared struct {
	num      int
	cells    []string
	skip     bool // a blank row: not counted
	v        vals
	problems []problem
	rejected bool
	// single is the product the row makes on its own, hashed, when
	// hasSingle is set. It is held by value: prepared values live in
	// recycled batches, so a row costs no allocation of a draft.
	single    draft
	hasSingle bool
}

// row prepares and assembles one row (the sequential path).
func (r *run) row(row tabular.Row) error {
	if keys := r.rd.Keys(); keys != nil && len(keys) != r.nkeys {
		// A JSON object brought new keys: map them too.
		r.header = append(r.header[:0], keys...)
		r.nkeys = len(keys)
		r.m = mapping.Build(keys, r.set.overrides())
		r.col = resolveColumns(&r.m)
	}
	var pr prepared
	r.prepare(row, &r.hb, &pr)
	return r.consume(&pr)
}

// prepare cleans a row's values into pr (zero) and, outside group mode,
// builds and hashes the product the row makes on its own. It only reads
// the run.
func (r *run) prepare(row tabular.Row, hb *hashBuf, pr *prepared) {
	// One pass over each cell tells which are clean text (valid UTF-8,
	// no U+FFFD, nothing for values.Text to change): a row of clean
	// cells needs no encoding check, and its values no cleaning.
	clean := cleanCells(row.Cells)
	if r.checker != nil && !allClean(clean, len(row.Cells)) {
		// idempotent: rows checked while finding the header pass again
		// (a copy, so that only rows checked here go to the heap)
		checked := row
		r.checker.CheckRow(&checked)
		row = checked
		clean = cleanCells(row.Cells)
	}
	pr.num, pr.cells = row.Num, row.Cells
	if row.Problem == "" && blankCells(row.Cells) {
		pr.skip = true
		return
	}
	if row.Problem != "" {
		pr.cells = nil
		pr.rejected = true
		pr.problems = append(pr.problems, problem{code: CodeBadRow, msg: row.Problem, reject: true})
		return
	}
	if row.BadEncoding {
		pr.rejected = true
		pr.problems = append(pr.problems, problem{code: CodeBadEncoding, reject: true,
			msg: "the row holds bytes that are not valid " + r.rep.Encoding + " (shown as \uFFFD); fix the file's encoding or declare it in the partner settings"})
		return
	}
	if row.MixedEncoding {
		pr.problems = append(pr.problems, problem{code: CodeMixedEncoding, msg: "some cells were not valid UTF-8 and were read as windows-1252"})
	}
	pr.v = r.values(row.Cells, clean, &pr.problems)
	for _, p := range pr.problems {
		if p.reject {
			pr.rejected = true
			return
		}
	}
	if !r.group && pr.v.name != "" {
		if key := pr.v.identifier(); key != "" {
			d := &pr.single
			r.initDraft(d, key, row.Num)
			r.applyMain(d, row.Cells, pr.v, true)
			d.sum, d.hashed = hb.productSum(&d.p), true
			pr.hasSingle = true
		}
	}
}

// consume applies a prepared row to the run: counts, report, assembly.
func (r *run) consume(pr *prepared) error {
	if pr.skip {
		return nil
	}
	r.rep.Rows++
	for _, p := range pr.problems {
		if p.reject {
			return r.reject(pr.num, pr.cells, p.column, p.code, p.msg)
		}
		r.warn(pr.num, p.column, p.code, p.msg)
	}
	if r.group {
		return r.groupRow(pr.num, pr.cells, pr.v)
	}
	return r.streamRow(pr, pr.v)
}

// cellMask has bit i set when cell i of a row is clean text
// (values.IsClean). Rows of more than 64 cells are never all clean.
type cellMask uint64

// cleanCells returns the mask of a row's clean cells (the first 64).
func cleanCells(cells []string) cellMask {
	var m cellMask
	for i, c := range cells[:min(len(cells), 64)] {
		if values.IsClean(c) {
			m |= 1 << i
		}
	}
	return m
}

// allClean reports whether every cell of a row of n cells is in the mask:
// never for a row of more than 64 cells.
func allClean(m cellMask, n int) bool {
	return n <= 64 && m == cellMask(1)<<n-1
}

// text is values.Text of cell i, sparing the work when the cell is known
// to be clean.
func (r *run) text(cells []string, i int, clean cellMask) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	if i < 64 && clean&(1<<i) != 0 {
		return cells[i]
	}
	return values.Text(cells[i])
}

// values cleans the mapped cells of a row (clean: the cells known to be
// clean text). A value that makes the row unusable (a bad price) is a
// rejection; a bad optional value (GTIN, image URL, MOQ) is dropped with a
// warning.
func (r *run) values(cells []string, clean cellMask, probs *[]problem) vals {
	warn := func(col, code, msg string) { *probs = append(*probs, problem{column: col, code: code, msg: msg}) }
	var v vals
	v.sku = r.text(cells, r.col.sku, clean)
	v.supplierRef = r.text(cells, r.col.supplierRef, clean)
	v.id = r.text(cells, r.col.id, clean)
	v.parent = r.text(cells, r.col.parent, clean)
	v.handle = r.text(cells, r.col.handle, clean)
	v.name = r.text(cells, r.col.name, clean)
	v.desc = r.description(cells, r.col.desc, clean)
	if v.desc == "" {
		v.desc = r.description(cells, r.col.shortDesc, clean)
	}
	v.brand = r.text(cells, r.col.brand, clean)
	v.category, v.extraCats = values.CleanCategory(r.text(cells, r.col.category, clean))
	v.unit = r.text(cells, r.col.unit, clean)
	v.origin = r.text(cells, r.col.origin, clean)
	if g := strings.TrimSpace(r.at(cells, r.col.gtin)); g != "" {
		d, err := values.GTIN(g)
		if err != nil {
			warn(r.header1(mapping.FieldGTIN), err.Code, err.Message+"; the GTIN was left out")
		}
		v.gtin = d
	}
	cur := r.text(cells, r.col.currency, clean)
	if cur == "" {
		cur = r.m.PriceCurrency
	}
	if cur == "" {
		cur = r.cur
	}
	if p := r.at(cells, r.col.price); p != "" {
		m, ok, err := values.Price(p, cur)
		if err != nil {
			*probs = append(*probs, problem{column: r.header1(mapping.FieldPrice), code: err.Code, msg: err.Message, reject: true})
			return v
		}
		if ok {
			v.price = &m
		}
	}
	for _, c := range r.col.images {
		if c.Index >= len(cells) || cells[c.Index] == "" {
			continue
		}
		urls, err := values.ImageURLs(cells[c.Index])
		if err != nil {
			warn(c.Header, err.Code, err.Message+"; the image was left out")
		}
		if v.images == nil {
			v.images = urls
		} else {
			v.images = append(v.images, urls...)
		}
	}
	if s := r.at(cells, r.col.variantImage); s != "" {
		u, err := values.ImageURL(s)
		if err != nil {
			warn(r.header1(mapping.FieldVariantImage), err.Code, err.Message+"; the image was left out")
		}
		v.variantImage = u
	}
	var err *values.Error
	if v.moq, err = values.Int(r.at(cells, r.col.moq)); err != nil {
		warn(r.header1(mapping.FieldMOQ), err.Code, err.Message+"; the MOQ was left out")
	}
	if v.lead, err = values.Int(r.at(cells, r.col.lead)); err != nil {
		warn(r.header1(mapping.FieldLeadTime), err.Code, err.Message+"; the lead time was left out")
	}
	return v
}

// description is the description in cell i; a clean cell without HTML
// is used as is.
func (r *run) description(cells []string, i int, clean cellMask) string {
	s := r.at(cells, i)
	if s != "" && i < 64 && clean&(1<<i) != 0 && strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '&') < 0 {
		return s
	}
	return description(s)
}

// description cleans a description, turning HTML (Shopify's Body (HTML),
// WooCommerce descriptions) into text.
func description(s string) string {
	if strings.ContainsRune(s, '<') && strings.ContainsRune(s, '>') {
		s = stripTags(s)
	}
	if strings.ContainsRune(s, '&') {
		s = html.UnescapeString(s)
	}
	return values.MultilineText(s)
}

func stripTags(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<':
			in = true
			rest := strings.ToLower(s[i+1 : min(len(s), i+4)])
			if strings.HasPrefix(rest, "br") || strings.HasPrefix(rest, "p>") || strings.HasPrefix(rest, "/p") || strings.HasPrefix(rest, "li") {
				b.WriteByte('\n')
			}
		case c == '>' && in:
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// identifier is the row's own key: SKU, else supplier reference, GTIN, ID.
func (v *vals) identifier() string {
	for _, s := range []string{v.sku, v.supplierRef, v.gtin, v.id} {
		if s != "" {
			return s
		}
	}
	return ""
}

const missingIDMessage = "the row has no identifier (SKU, reference, EAN/GTIN or ID)"

// streamRow handles a row of a file without variant grouping: each row is
// a product; a row with the same key right after it and no name adds to it
// (extra images).
func (r *run) streamRow(pr *prepared, v vals) error {
	num, cells := pr.num, pr.cells
	key := v.identifier()
	if key == "" {
		return r.reject(num, cells, "", CodeMissingIdentifier, missingIDMessage)
	}
	if r.open != nil && r.open.key == key {
		if v.name == "" {
			n := len(r.open.p.Images)
			r.addImages(&r.open.p, v.images)
			if len(r.open.p.Images) != n {
				r.open.hashed = false // changed: hash again when finished
			}
			r.open.rows = append(r.open.rows, num)
			return nil
		}
		r.warn(num, r.header1(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of row %d; the last row wins", key, r.open.p.Source.Row))
		rows := r.open.rows
		r.open = r.openDraft(pr, key)
		r.open.rows = append(rows, num)
		return nil
	}
	if v.name == "" {
		return r.reject(num, cells, r.header1(mapping.FieldName), CodeMissingName, "the row has no product name")
	}
	if err := r.finishOpen(); err != nil {
		return err
	}
	r.open = r.openDraft(pr, key)
	r.open.rows = append(r.open.rows, num)
	if r.seen.has(r.open.idh) {
		r.warn(num, r.header1(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of an earlier row; the last row wins", key))
	}
	return nil
}

// openDraft starts a product from a row, using the product and hash that
// prepare built when there is one. The product is assembled in the run's
// own draft, reused from product to product (finishDraft copies what it
// keeps), with its rows slice.
func (r *run) openDraft(pr *prepared, key string) *draft {
	d := &r.openBuf
	rows := d.rows[:0]
	if pr.hasSingle {
		*d = pr.single // the batch's reset clears pr.single
		pr.hasSingle = false
	} else {
		r.initDraft(d, key, pr.num)
		r.applyMain(d, pr.cells, pr.v, true)
	}
	d.rows = rows
	return d
}

func (r *run) finishOpen() error {
	if r.open == nil {
		return nil
	}
	d := r.open
	r.open = nil
	return r.finishDraft(d)
}

func (r *run) newDraft(key string, num int) *draft {
	d := new(draft)
	r.initDraft(d, key, num)
	return d
}

// initDraft sets d, which must be zero, to the start of product key.
func (r *run) initDraft(d *draft, key string, num int) {
	d.key, d.idh = key, productIDHash(r.cat.Partner, key)
	d.p = catalog.Product{
		Partner: r.cat.Partner,
		Key:     key,
		Source:  catalog.Source{CatalogID: r.cat.ID, File: r.cat.File, Row: num},
	}
}

// applyMain sets the product-level fields from a row that describes the
// product. product says whether the row's SKU, GTIN and price are the
// product's own (not a variant's).
func (r *run) applyMain(d *draft, cells []string, v vals, product bool) {
	p := &d.p
	if d.described && !d.hasMain {
		p.Attributes = nil // the product's own row replaces what a variant said
	}
	d.hasMain = true
	p.Name = v.name
	p.Description = v.desc
	p.Brand = v.brand
	p.Category = v.category
	if product {
		p.SKU = v.sku
		p.GTIN = v.gtin
		p.Price = v.price
	}
	p.SupplierRef = v.supplierRef
	p.MOQ, p.LeadTimeDays = v.moq, v.lead
	p.Unit = v.unit
	p.Origin = strings.ToUpper(v.origin)
	if len(p.Origin) != 2 {
		p.Origin = v.origin
	}
	r.addImages(p, v.images)
	p.Attributes = r.attributes(cells, p.Attributes)
	if len(v.extraCats) > 0 {
		if p.Attributes == nil {
			p.Attributes = map[string]string{}
		}
		p.Attributes["Other categories"] = strings.Join(v.extraCats, ", ")
	}
	if !r.handle || product {
		// Option columns of a product row describe what it comes in.
		for _, o := range r.m.Options {
			name, val := r.option(d, cells, o)
			if val == "" || name == "" {
				continue
			}
			if p.Attributes == nil {
				p.Attributes = map[string]string{}
			}
			p.Attributes[name] = val
		}
	}
}

// attributes keeps every unmapped non-empty cell under its header.
func (r *run) attributes(cells []string, into map[string]string) map[string]string {
	for _, c := range r.col.attrs {
		if c.Index >= len(cells) {
			continue
		}
		val := values.Text(cells[c.Index])
		if val == "" || c.Header == "" {
			continue
		}
		if into == nil {
			into = map[string]string{}
		}
		if len(into) >= maxAttributes {
			break
		}
		if len(val) > maxAttrValue {
			val = values.Text(val[:maxAttrValue])
		}
		// JSON objects flatten to dotted keys; our own product JSON
		// keeps attributes under "attributes".
		into[values.Text(strings.TrimPrefix(c.Header, "attributes."))] = val
	}
	return into
}

func (r *run) addImages(p *catalog.Product, urls []string) {
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
func (r *run) option(d *draft, cells []string, o mapping.OptionPair) (string, string) {
	val := ""
	if o.Value < len(cells) {
		val = values.Text(cells[o.Value])
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
	if name == "" && val != "" {
		name = fmt.Sprintf("Option %d", o.Number)
	}
	return name, val
}

// groupRow handles a row of a file whose rows group into products with
// variants (a Handle or a Parent column).
func (r *run) groupRow(num int, cells []string, v vals) error {
	own := v.identifier()
	var key string
	variantRow := false
	switch {
	case r.handle:
		key = v.handle
		if key == "" {
			key = own
		}
	case v.parent != "":
		key = v.parent
		variantRow = true
	default:
		key = own
	}
	if key == "" {
		return r.reject(num, cells, "", CodeMissingIdentifier, missingIDMessage)
	}
	d := r.drafts[key]
	if d == nil {
		if len(r.drafts) >= maxGroupProducts {
			return &refusal{fmt.Sprintf("the file groups more than %d products by a parent or handle column; split it", maxGroupProducts)}
		}
		d = r.newDraft(key, num)
		r.drafts[key] = d
		r.order = append(r.order, key)
	}
	d.rows = append(d.rows, num)
	if d.p.Name == "" && d.altName == "" && v.name == "" {
		// Until some row names the product, keep the rows as read: the
		// product may end nameless and its rows rejected.
		for len(d.raws) < len(d.rows)-1 {
			d.raws = append(d.raws, nil)
		}
		d.raws = append(d.raws, append([]string(nil), cells...))
	} else {
		d.raws = nil
	}
	if v.id != "" && !variantRow {
		r.ids[v.id] = key
	}
	if variantRow {
		d.viaParent = true
	} else if !r.handle {
		d.ownRow = num
	}
	opts := map[string]string{}
	for _, o := range r.m.Options {
		name, val := r.option(d, cells, o)
		if val == "" || (name == "Title" && val == "Default Title") {
			continue
		}
		opts[name] = val
	}
	if variantRow || r.handle {
		// Colour, size and the like in plain columns: options of the
		// variant (kept at finish only where the variants differ).
		for _, c := range r.m.Columns {
			if c.Field != mapping.FieldAttribute || c.Index >= len(cells) || !optionHeader(c.Header) {
				continue
			}
			if val := values.Text(cells[c.Index]); val != "" {
				if _, ok := opts[c.Header]; !ok {
					opts[c.Header] = val
					if d.plainOpts == nil {
						d.plainOpts = map[string]bool{}
					}
					d.plainOpts[c.Header] = true
				}
			}
		}
	}
	if r.handle {
		if v.name != "" {
			if d.hasMain {
				r.warn(num, r.header1(mapping.FieldName), CodeDuplicateKey,
					fmt.Sprintf("%q names product %q again; the last row wins", v.name, key))
			}
			r.applyMain(d, cells, v, false)
		} else {
			r.addImages(&d.p, v.images)
		}
		if v.sku != "" || len(opts) > 0 || v.price != nil {
			r.addVariant(d, num, v, opts)
		}
		return nil
	}
	if variantRow {
		if d.altName == "" {
			d.altName = v.name
		}
		if !d.hasMain && !d.described && v.name != "" {
			// Until (unless) the product's own row comes, its first
			// variant describes it: brand, description, category...
			r.applyMain(d, cells, v, false)
			d.hasMain, d.described = false, true
		}
		if own == "" && len(opts) == 0 {
			r.addImages(&d.p, v.images) // a continuation row: extra images
			return nil
		}
		r.addVariant(d, num, v, opts)
		return nil
	}
	if v.name == "" {
		r.addImages(&d.p, v.images)
		return nil
	}
	if d.hasMain {
		r.warn(num, r.header1(mapping.FieldSKU), CodeDuplicateKey,
			fmt.Sprintf("%q repeats the key of row %d; the last row wins", key, d.p.Source.Row))
		d.p.Source.Row = num
	}
	r.applyMain(d, cells, v, true)
	return nil
}

// maxGroupProducts bounds the products a grouped file holds in memory
// until its end.
const maxGroupProducts = 500_000

func (r *run) addVariant(d *draft, num int, v vals, opts map[string]string) {
	if len(d.p.Variants) >= maxVariants {
		return
	}
	sku := v.sku
	if sku == "" {
		sku = v.supplierRef
	}
	img := v.variantImage
	if img == "" && len(v.images) > 0 {
		img = v.images[0]
	}
	if len(opts) == 0 {
		opts = nil
	}
	vr := catalog.Variant{SKU: sku, GTIN: v.gtin, Options: opts, Price: v.price, Image: img}
	for i, o := range d.p.Variants {
		if sku != "" && o.SKU == sku {
			r.warn(num, r.header1(mapping.FieldSKU), CodeDuplicateKey,
				fmt.Sprintf("variant %q appears twice in product %q; the last row wins", sku, d.key))
			d.p.Variants[i] = vr
			return
		}
	}
	d.p.Variants = append(d.p.Variants, vr)
}

// finish ends the file: the grouped products are finished in file order.
func (r *run) finish() error {
	if err := r.finishOpen(); err != nil {
		return err
	}
	if !r.group {
		return nil
	}
	// WooCommerce writes a parent without SKU as "id:44".
	for _, key := range r.order {
		d := r.drafts[key]
		if d == nil || !strings.HasPrefix(key, "id:") {
			continue
		}
		target, ok := r.ids[strings.TrimPrefix(key, "id:")]
		if !ok || r.drafts[target] == nil || target == key {
			continue
		}
		t := r.drafts[target]
		t.rows = append(t.rows, d.rows...)
		t.raws = append(t.raws, d.raws...)
		t.p.Variants = append(t.p.Variants, d.p.Variants...)
		r.addImages(&t.p, d.p.Images)
		delete(r.drafts, key)
	}
	for _, key := range r.order {
		d := r.drafts[key]
		if d == nil {
			continue
		}
		delete(r.drafts, key)
		if err := r.finishDraft(d); err != nil {
			return err
		}
	}
	return nil
}

// finishDraft completes a product (name, price from variants, hash) and
// emits it, or rejects its rows when it has no name.
func (r *run) finishDraft(d *draft) error {
	p := &d.p
	if p.Name == "" {
		p.Name = d.altName
	}
	if p.Name == "" {
		for i, num := range d.rows {
			var cells []string
			if i < len(d.raws) {
				cells = d.raws[i]
			}
			code, msg := CodeMissingName, fmt.Sprintf("no row names product %q", d.key)
			switch {
			case d.viaParent && d.ownRow == 0:
				code, msg = CodeUnknownParent, fmt.Sprintf("product %q has no row with its name (is its parent row missing?)", d.key)
			case num == d.ownRow:
				msg = "the row has no product name"
			case d.ownRow != 0:
				msg = fmt.Sprintf("product %q has no name: its own row (row %d) has none", d.key, d.ownRow)
			}
			if err := r.reject(num, cells, "", code, msg); err != nil {
				return err
			}
		}
		return nil
	}
	pruneOptions(p, d.plainOpts)
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
			r.addImages(p, []string{v.Image})
		}
		p.Variants = nil
	}
	if p.Price == nil {
		for _, v := range p.Variants {
			if v.Price != nil && (p.Price == nil || v.Price.Currency == p.Price.Currency && v.Price.Amount.Cmp(p.Price.Amount) < 0) {
				pr := *v.Price
				p.Price = &pr
			}
		}
	}
	if p.Price != nil || len(p.Variants) > 0 {
		p.TaxBasis = r.m.PriceTax
	}
	if p.Price == nil && r.col.price >= 0 {
		// Kept: B2B catalogs list products on request. The partner sees it.
		r.warn(p.Source.Row, r.header1(mapping.FieldPrice), CodeMissingPrice,
			fmt.Sprintf("product %q has no price; it is listed as price on request", d.key))
	}
	p.UpdatedAt = r.now
	if !d.hashed {
		d.sum = r.hb.productSum(p)
	}
	r.rep.Accepted += len(d.rows)
	return r.emit(p, d.idh, d.sum)
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

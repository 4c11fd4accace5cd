package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/ingest/mapping"
	"github.com/catalogsearch/catalogsearch/internal/ingest/tabular"
	"github.com/catalogsearch/catalogsearch/internal/ingest/values"
)

// layout is what the header tells: which column holds which field. The
// reader builds it; the assemblers read it (a JSON object that brings new
// keys rebuilds it between two rows).
type layout struct {
	header   []string
	keyCount int // JSON: how many keys the mapping was built from
	fields   mapping.Mapping
	columns  columns
	// derived is set when the header has no identifier column but a
	// name: each row's key is derived from its name and the columns in
	// distinguishing (see derivedKey).
	derived        bool
	distinguishing []mapping.Column
}

// columns holds the column of each field a row reads (-1 when absent),
// resolved once per header rather than looked up per cell.
type columns struct {
	sku, supplierRef, id, parent, handle, name, description, shortDescription, brand, category int
	unit, origin, gtin, currency, price, variantImage, moq, leadTime, availability             int
	// tracker and backorders are the stock columns that qualify a stock
	// quantity (stockColumns); -1 when the file has none.
	tracker, backorders int
	// images and attributes are the image and attribute columns, in order.
	images, attributes []mapping.Column
}

func newLayout(header []string, overrides map[string]mapping.Field) *layout {
	l := &layout{header: append([]string(nil), header...), keyCount: len(header)}
	l.fields = mapping.Build(header, overrides)
	m := &l.fields
	for _, c := range m.Columns {
		switch c.Field {
		case mapping.FieldImage:
			l.columns.images = append(l.columns.images, c)
		case mapping.FieldAttribute:
			l.columns.attributes = append(l.columns.attributes, c)
		}
	}
	c := &l.columns
	c.sku, c.supplierRef, c.id = m.Col(mapping.FieldSKU), m.Col(mapping.FieldSupplierRef), m.Col(mapping.FieldID)
	c.parent, c.handle, c.name = m.Col(mapping.FieldParent), m.Col(mapping.FieldHandle), m.Col(mapping.FieldName)
	c.description, c.shortDescription = m.Col(mapping.FieldDescription), m.Col(mapping.FieldShortDescription)
	c.brand, c.category, c.unit = m.Col(mapping.FieldBrand), m.Col(mapping.FieldCategory), m.Col(mapping.FieldUnit)
	c.origin, c.gtin, c.currency = m.Col(mapping.FieldOrigin), m.Col(mapping.FieldGTIN), m.Col(mapping.FieldCurrency)
	c.price, c.variantImage = m.Col(mapping.FieldPrice), m.Col(mapping.FieldVariantImage)
	c.moq, c.leadTime = m.Col(mapping.FieldMOQ), m.Col(mapping.FieldLeadTime)
	c.availability = m.Col(mapping.FieldAvailability)
	c.tracker, c.backorders = stockColumns(header)
	if !m.HasIdentifier() && m.Has(mapping.FieldName) && !m.Has(mapping.FieldParent) {
		l.derived = true
		for _, col := range m.Columns {
			switch {
			case col.Field == mapping.FieldBrand || col.Field == mapping.FieldUnit,
				col.Field == mapping.FieldAttribute && (optionHeader(col.Header) || packHeader(col.Header)):
				l.distinguishing = append(l.distinguishing, col)
			}
		}
	}
	return l
}

// stockColumns finds the columns that qualify a stock quantity (they stay
// attributes): Shopify's "Variant Inventory Tracker" (empty: the shop does
// not track the variant's stock, so its quantity says nothing) and the
// backorder policy, Shopify's "Variant Inventory Policy" ("continue") or
// WooCommerce's "Backorders allowed?" (1, "notify"), which make an empty
// stock a backorder.
func stockColumns(header []string) (tracker, backorders int) {
	tracker, backorders = -1, -1
	for i, h := range header {
		switch mapping.Normalize(h) {
		case "variant inventory tracker":
			tracker = i
		case "variant inventory policy", "backorders allowed", "backorders":
			backorders = i
		}
	}
	return tracker, backorders
}

// availability reads the row's availability (see stockColumns).
func (c *columns) stock(cells []string) (string, *values.Error) {
	if c.tracker >= 0 && values.Text(cellAt(cells, c.tracker)) == "" {
		return "", nil
	}
	a, err := values.Availability(cellAt(cells, c.availability))
	if a == catalog.OutOfStock {
		switch strings.ToLower(values.Text(cellAt(cells, c.backorders))) {
		case "continue", "1", "yes", "notify", "true":
			a = catalog.Backorder
		}
	}
	return a, err
}

// packHeader reports the headers of a pack size or net content, which
// tell apart products of the same name in a list without identifiers.
func packHeader(h string) bool {
	switch mapping.Normalize(h) {
	case "pack size", "pack", "package size", "packsize", "taille du paquet", "net weight", "poids net",
		"contenu", "contenu net", "net content", "net contents", "quantity per pack", "units per pack",
		"unidades", "formato", "envase", "inhalt", "packungsgröße", "packungsgrosse", "gebinde", "menge":
		return true
	}
	return false
}

// derivedNote names what a derived key is made of, for the report.
func (l *layout) derivedNote() string {
	parts := []string{strconv.Quote(l.headerOf(mapping.FieldName))}
	for _, c := range l.distinguishing {
		parts = append(parts, strconv.Quote(strings.TrimSpace(c.Header)))
	}
	return strings.Join(parts, ", ")
}

// derivedKey is the key of a row of a file without identifiers: a hash
// of its name and its distinguishing values (brand, unit, pack size,
// colour, size...), each in lower case without white space, the values
// sorted, empty ones left out. Extra spaces, case, the order of columns
// or a new empty column do not change it; the price, the description and
// other columns are not part of it, so changing them updates the product.
func derivedKey(name string, cells []string, distinguishing []mapping.Column) string {
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.ToLower(values.Text(s))), "")
	}
	vals := make([]string, 0, len(distinguishing))
	for _, c := range distinguishing {
		if v := norm(cellAt(cells, c.Index)); v != "" {
			vals = append(vals, v)
		}
	}
	slices.Sort(vals)
	h := sha256.New()
	h.Write([]byte(norm(name)))
	for _, v := range vals {
		h.Write([]byte{0})
		h.Write([]byte(v))
	}
	return derivedKeyPrefix + hex.EncodeToString(h.Sum(nil)[:8])
}

// derivedKeyPrefix starts the keys derivedKey makes.
const derivedKeyPrefix = "name-"

// headerOf is the header of field f's column as the file wrote it (for
// messages), the field's name when the file has no such column.
func (l *layout) headerOf(f mapping.Field) string {
	i := l.fields.Col(f)
	if i < 0 || i >= len(l.header) {
		return string(f)
	}
	return strings.TrimSpace(l.header[i])
}

// rowValues are the cleaned values of one row.
type rowValues struct {
	sku, supplierRef, gtin, id, parent, handle string
	name, description, brand                   string
	category, extraCategories                  []string
	price                                      *catalog.Money
	images                                     []string
	variantImage                               string
	moq, leadTime                              int
	unit, origin, availability                 string
}

// identifier is the row's own key: SKU, else supplier reference, GTIN, ID.
func (v *rowValues) identifier() string {
	for _, s := range []string{v.sku, v.supplierRef, v.gtin, v.id} {
		if s != "" {
			return s
		}
	}
	return ""
}

// rowProblem is a warning or a rejection found while preparing a row.
type rowProblem struct {
	column, code, message string
	reject                bool
}

// preparedRow is a row made ready for assembly: its cleaned values and
// problems and, when the assembler builds products of one row ahead
// (flatAssembler), that product with its hash. Preparing touches no
// state of the run, so rows are prepared in parallel.
type preparedRow struct {
	number   int
	cells    []string
	blank    bool // a blank row: not counted
	values   rowValues
	problems []rowProblem
	rejected bool
	// single is the product the row makes on its own, hashed, when
	// hasSingle is set. It is held by value: prepared rows live in
	// recycled batches, so a row costs no allocation of a draft.
	single    draft
	hasSingle bool
}

// rowReader is the first stage of the pipeline: it reads the rows of a
// file whatever its format (package tabular), finds and maps the header
// (package mapping), and cleans each row's values (package values) into a
// preparedRow.
type rowReader struct {
	table           tabular.Reader
	checker         tabular.RowChecker // encoding checks deferred to prepare (CSV)
	settings        Settings
	format          string
	encoding        string
	defaultCurrency string
	layout          *layout // nil until the header is found
	// categorySeps are the separators that split the file's category
	// values (values.CleanCategoryOn): the partner's setting, or what
	// sampleCategories detects.
	categorySeps string
}

// categorySampleRows is how many data rows a tabular file is read ahead
// by to tell whether its category values draw a tree.
const categorySampleRows = 2000

// sampleCategories decides the separators of the file's category values
// (values.TreeSeparators) unless the partner's settings fix them. A table
// (CSV, XLSX) is read ahead by up to categorySampleRows rows, returned
// after rows for the pipeline to read first; a JSON file's paths split on
// every separator, as CleanCategory splits them.
func (rr *rowReader) sampleCategories(ctx context.Context, rows []tabular.Row) ([]tabular.Row, error) {
	if seps, ok := rr.settings.categorySeparators(); ok {
		rr.categorySeps = seps
		return rows, nil
	}
	if rr.table.Keys() != nil {
		// JSON: a category array arrives joined with '|' (a path), and
		// objects bring their keys one by one: paths split as written.
		rr.categorySeps = values.AllCategorySeparators
		return rows, nil
	}
	col := rr.layout.columns.category
	if col < 0 {
		rr.categorySeps = values.PathSeparator
		return rows, nil
	}
	for len(rows) <= categorySampleRows {
		row, err := rr.nextRow(ctx)
		if err != nil {
			return nil, err
		}
		if row == nil {
			break
		}
		row.Cells = append([]string(nil), row.Cells...)
		if rr.checker != nil {
			rr.checker.CheckRow(row)
		}
		rows = append(rows, *row)
	}
	cells := make([]string, 0, len(rows))
	for _, row := range rows {
		cells = append(cells, values.Text(cellAt(row.Cells, col)))
	}
	rr.categorySeps = values.TreeSeparators(cells)
	return rows, nil
}

// findHeader finds and maps the header: the keys of the first object for
// JSON, the best of the first rows for CSV and XLSX. It returns the rows
// read past the header while looking, which are data.
func (rr *rowReader) findHeader() ([]tabular.Row, error) {
	if rr.format == tabular.FormatJSON || rr.format == tabular.FormatNDJSON {
		row, err := rr.table.Next()
		if errors.Is(err, io.EOF) {
			return nil, &refusal{"the file holds no products"}
		}
		if err != nil {
			return nil, err
		}
		if err := rr.mapHeader(rr.table.Keys()); err != nil {
			return nil, err
		}
		return []tabular.Row{row}, nil
	}
	var rows []tabular.Row
	for len(rows) < mapping.HeaderScanRows {
		row, err := rr.table.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if blankCells(row.Cells) {
			continue
		}
		row.Cells = append([]string(nil), row.Cells...)
		if rr.checker != nil {
			rr.checker.CheckRow(&row)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, &refusal{"the file holds no rows"}
	}
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = row.Cells
	}
	h := mapping.FindHeader(cells, rr.settings.overrides())
	if h < 0 {
		return nil, &refusal{fmt.Sprintf("no usable header: none of the first %d rows names the columns of a product "+
			"(an identifier such as SKU, Référence or EAN, and a name such as Name, Nom or Désignation)", len(rows))}
	}
	if err := rr.mapHeader(rows[h].Cells); err != nil {
		return nil, err
	}
	return rows[h:], nil
}

// mapHeader maps the columns of header; a header without an identifier or
// a name refuses the file.
func (rr *rowReader) mapHeader(header []string) error {
	rr.layout = newLayout(header, rr.settings.overrides())
	m := &rr.layout.fields
	var missing []string
	if !m.HasIdentifier() && !rr.layout.derived {
		missing = append(missing, "an identifier (SKU, reference, EAN/GTIN or ID)")
	}
	if !m.Has(mapping.FieldName) {
		missing = append(missing, "a product name")
	}
	if len(missing) > 0 {
		return &refusal{"the header has no column for " + strings.Join(missing, " and ") +
			"; columns found: " + truncList(header, 12)}
	}
	return nil
}

// followKeys maps the new keys a JSON object brought, if any.
func (rr *rowReader) followKeys() {
	if keys := rr.table.Keys(); keys != nil && len(keys) != rr.layout.keyCount {
		rr.layout = newLayout(keys, rr.settings.overrides())
	}
}

// fileHeader is the header the rejected-rows CSV repeats.
func (rr *rowReader) fileHeader() []string {
	if keys := rr.table.Keys(); keys != nil {
		return keys
	}
	if rr.layout == nil {
		return nil
	}
	return rr.layout.header
}

func truncList(h []string, n int) string {
	var out []string
	for _, s := range h {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, fmt.Sprintf("%q", s))
		}
	}
	if len(out) > n {
		out = append(out[:n], "…")
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func blankCells(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// prepare cleans a row's values into out (zero). It only reads the reader.
func (rr *rowReader) prepare(row tabular.Row, out *preparedRow) {
	// One pass over each cell tells which are clean text (valid UTF-8,
	// no U+FFFD, nothing for values.Text to change): a row of clean
	// cells needs no encoding check, and its values no cleaning.
	clean := cleanCells(row.Cells)
	if rr.checker != nil && !allClean(clean, len(row.Cells)) {
		// idempotent: rows checked while finding the header pass again
		// (a copy, so that only rows checked here go to the heap)
		checked := row
		rr.checker.CheckRow(&checked)
		row = checked
		clean = cleanCells(row.Cells)
	}
	out.number, out.cells = row.Num, row.Cells
	if row.Problem == "" && blankCells(row.Cells) {
		out.blank = true
		return
	}
	if row.Problem != "" {
		out.cells = nil
		out.rejected = true
		out.problems = append(out.problems, rowProblem{code: CodeBadRow, message: row.Problem, reject: true})
		return
	}
	if row.BadEncoding {
		out.rejected = true
		out.problems = append(out.problems, rowProblem{code: CodeBadEncoding, reject: true,
			message: "the row holds bytes that are not valid " + rr.encoding + " (shown as \uFFFD); fix the file's encoding or declare it in the partner settings"})
		return
	}
	if row.MixedEncoding {
		out.problems = append(out.problems, rowProblem{code: CodeMixedEncoding, message: "some cells were not valid UTF-8 and were read as windows-1252"})
	}
	out.values = rr.clean(row.Cells, clean, &out.problems)
	for _, p := range out.problems {
		if p.reject {
			out.rejected = true
			return
		}
	}
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

// cellAt returns cell i of a row, "" when the column is absent or the row
// shorter.
func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// cellText is values.Text of cell i, sparing the work when the cell is
// known to be clean.
func cellText(cells []string, i int, clean cellMask) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	if i < 64 && clean&(1<<i) != 0 {
		return cells[i]
	}
	return values.Text(cells[i])
}

// cellDescription is the description in cell i; a clean cell without HTML
// is used as is.
func cellDescription(cells []string, i int, clean cellMask) string {
	s := cellAt(cells, i)
	if s != "" && i < 64 && clean&(1<<i) != 0 && strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, '&') < 0 {
		return s
	}
	return description(s)
}

// clean cleans the mapped cells of a row (clean: the cells known to be
// clean text). A value that makes the row unusable (a bad price) is a
// rejection; a bad optional value (GTIN, image URL, MOQ) is dropped with a
// warning.
func (rr *rowReader) clean(cells []string, clean cellMask, problems *[]rowProblem) rowValues {
	l := rr.layout
	col := &l.columns
	warn := func(column, code, message string) {
		*problems = append(*problems, rowProblem{column: column, code: code, message: message})
	}
	var v rowValues
	v.sku = cellText(cells, col.sku, clean)
	v.supplierRef = cellText(cells, col.supplierRef, clean)
	v.id = cellText(cells, col.id, clean)
	v.parent = cellText(cells, col.parent, clean)
	v.handle = cellText(cells, col.handle, clean)
	v.name = cellText(cells, col.name, clean)
	if l.derived && v.name != "" {
		v.id = derivedKey(v.name, cells, l.distinguishing)
	}
	v.description = cellDescription(cells, col.description, clean)
	if v.description == "" {
		v.description = cellDescription(cells, col.shortDescription, clean)
	}
	v.brand = cellText(cells, col.brand, clean)
	v.category, v.extraCategories = values.CleanCategoryOn(cellText(cells, col.category, clean), rr.categorySeps)
	v.unit = cellText(cells, col.unit, clean)
	v.origin = cellText(cells, col.origin, clean)
	if g := strings.TrimSpace(cellAt(cells, col.gtin)); g != "" {
		d, err := values.GTIN(g)
		if err != nil {
			warn(l.headerOf(mapping.FieldGTIN), err.Code, err.Message+"; the GTIN was left out")
		}
		v.gtin = d
	}
	// The currency of a price that names none: the row's currency
	// column, else the price header's, else the partner's. An ambiguous
	// sign ("FCFA", "kr") is settled by the header's or partner's
	// currency, else kept in its usual reading with a warning.
	currency := l.fields.PriceCurrency
	if currency == "" {
		currency = rr.defaultCurrency
	}
	var ambiguity *values.Ambiguity
	if c := cellText(cells, col.currency, clean); c != "" {
		if code, amb, ok := values.Currency(c, currency); ok {
			c, ambiguity = code, amb
		}
		currency = c
	}
	if p := cellAt(cells, col.price); p != "" {
		m, ok, amb, err := values.PriceOf(p, currency)
		if err != nil {
			*problems = append(*problems, rowProblem{column: l.headerOf(mapping.FieldPrice), code: err.Code, message: err.Message, reject: true})
			return v
		}
		if ok {
			v.price = &m
		}
		if amb != nil {
			ambiguity = amb
		}
	}
	if ambiguity != nil {
		warn(l.headerOf(mapping.FieldPrice), values.CodeAmbiguousCurrency, ambiguity.Message())
	}
	for _, c := range col.images {
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
	if s := cellAt(cells, col.variantImage); s != "" {
		u, err := values.ImageURL(s)
		if err != nil {
			warn(l.headerOf(mapping.FieldVariantImage), err.Code, err.Message+"; the image was left out")
		}
		v.variantImage = u
	}
	var err *values.Error
	if v.moq, err = values.Int(cellAt(cells, col.moq)); err != nil {
		warn(l.headerOf(mapping.FieldMOQ), err.Code, err.Message+"; the MOQ was left out")
	}
	if v.leadTime, err = values.LeadTimeDays(cellAt(cells, col.leadTime)); err != nil {
		warn(l.headerOf(mapping.FieldLeadTime), err.Code, err.Message+"; the lead time was left out")
	}
	if v.availability, err = col.stock(cells); err != nil {
		warn(l.headerOf(mapping.FieldAvailability), err.Code, err.Message+"; the availability was left out")
	}
	return v
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

// ctxErr is the error of an ingest whose context ended.
func ctxErr(err error) error {
	return catalog.Wrap(catalog.CodeUnavailable, err, "ingest interrupted")
}

// nextRow reads the next row, nil at the end of the file.
func (rr *rowReader) nextRow(ctx context.Context) (*tabular.Row, error) {
	if err := ctx.Err(); err != nil {
		return nil, ctxErr(err)
	}
	row, err := rr.table.Next()
	if errors.Is(err, io.EOF) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &row, nil
}

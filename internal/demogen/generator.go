package demogen

import (
	"context"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Generator produces the rows of one catalog, one at a time, in constant
// memory. Use Write for a file; use a Generator directly to look at the
// rows (tests) or to build catalog.Products without a file (search
// benchmarks). A Generator is not safe for concurrent use.
type Generator struct {
	opts   Options
	p      *profile
	rng    *rand.Rand
	cols   []column
	header []string
	cats   [][]string // per product type: the category path joined, once
	sep    string

	row         int // rows produced so far
	productSeq  int
	supplierSeq []int // per brand
	defectsLeft int
	standalone  int // standalone rows so far, to spread defects evenly
	eanSeq      uint64
	eanBase     uint64 // added to eanSeq: catalogs of distinct seeds get distinct EANs
	poolOrder   []int  // the pool products in the order this catalog draws them

	prod  product // the current product (shared by a variant group)
	group []variant
	next  int // index in group of the next row

	cur   rowState
	out   []string
	stats Stats
	buf   []byte
}

// product is what the rows of one product (or variant group) share.
type product struct {
	t           *productType
	typeIndex   int
	brand       int
	sku         string // the product's SKU; variants extend it
	name        string
	description string
	material    string
	unit        string
	moq         int
	lead        int
	origin      string
	currency    currencyShare
	cents       int // base price in cents of the profile's base currency
	colour      string
	isGroup     bool
	defect      Defect
	pooled      bool   // drawn from the shared pool: ean is its EAN
	ean         string // of a pooled product
}

// variant is one row of a variant group.
type variant struct {
	colour, size option
	priceStep    int // price increase in percent over the base
}

// rowState is the current row: its fields as text and as numbers.
type rowState struct {
	vals    [numFields]string
	cents   int // price in cents of currency, -1 when missing
	defect  Defect
	variant bool
}

// NewGenerator returns a generator for opts, or a CodeInvalid error.
func NewGenerator(opts Options) (*Generator, error) {
	opts, p, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(p.name))
	g := &Generator{
		opts:        opts,
		p:           p,
		rng:         rand.New(rand.NewPCG(opts.Seed, h.Sum64())), //nolint:gosec // G404: reproducible test data, not secrets
		supplierSeq: make([]int, len(p.brands)),
		sep:         p.catSep,
	}
	g.cols = p.columns
	if opts.Headers == HeadersCanonical {
		g.cols = canonicalColumns()
		g.sep = " > "
	}
	if opts.Stock {
		g.cols = append(slices.Clip(g.cols), column{"stock", fStock})
	}
	g.header = make([]string, len(g.cols))
	for i, c := range g.cols {
		g.header[i] = c.header
	}
	g.out = make([]string, len(g.cols))
	g.cats = make([][]string, len(p.types))
	for i := range p.types {
		cat := p.types[i].category
		g.cats[i] = []string{strings.Join(cat, g.sep), cat[0], cat[1], ""}
		if len(cat) > 2 {
			g.cats[i][3] = cat[2]
		}
	}
	g.defectsLeft = int(opts.DefectRate*float64(opts.Rows) + 0.5)
	g.eanBase = eanItem(opts.Seed ^ h.Sum64())
	if opts.SharedPct > 0 {
		g.poolOrder = g.rng.Perm(opts.SharedPoolSize)
	}
	return g, nil
}

// Options returns the options with their defaults filled in.
func (g *Generator) Options() Options { return g.opts }

// Header returns the column headers, in file order. The caller must not
// modify the slice.
func (g *Generator) Header() []string { return g.header }

// Stats returns the counts of the rows produced so far (Bytes is 0).
func (g *Generator) Stats() Stats { return g.stats }

// Next advances to the next row and reports whether there is one.
func (g *Generator) Next() bool {
	if g.row >= g.opts.Rows {
		return false
	}
	if g.next >= len(g.group) {
		g.newProduct()
	}
	g.fillRow()
	g.row++
	g.stats.Rows++
	if g.cur.variant {
		g.stats.VariantRows++
	} else {
		g.standalone++
	}
	if g.cur.vals[fEAN] == "" {
		g.stats.WithoutEAN++
	}
	g.stats.Defects.add(g.cur.defect)
	return true
}

// Values returns the current row's cells in the order of Header. The slice
// is reused by the next call to Next.
func (g *Generator) Values() []string {
	for i, c := range g.cols {
		g.out[i] = g.cur.vals[c.field]
	}
	return g.out
}

// Defect returns the defect of the current row, DefectNone for a clean one.
func (g *Generator) Defect() Defect { return g.cur.defect }

// Parent returns the parent (model) SKU of the current row, "" when it is
// not part of a variant group.
func (g *Generator) Parent() string { return g.cur.vals[fParent] }

// Product returns the current row as the product ingest should make of it
// (one product per row; variant grouping is ingest's job). Its ID is built
// from Options.Partner and the row's SKU; Source.Row is the 1-based record
// number in the file, the header being record 1. Attributes are keyed by
// the profile's native headers (Couleur, Matière, Taille, Modèle, ...).
func (g *Generator) Product() catalog.Product {
	v := &g.cur.vals
	pr := catalog.Product{
		ID:           catalog.ProductID(g.opts.Partner, v[fSKU]),
		Partner:      g.opts.Partner,
		Key:          v[fSKU],
		SKU:          v[fSKU],
		Name:         v[fName],
		Description:  v[fDescription],
		Brand:        v[fBrand],
		Category:     slices.Clone(g.prod.t.category),
		GTIN:         v[fEAN],
		SupplierRef:  v[fSupplierRef],
		Images:       []string{v[fImage]},
		MOQ:          g.prod.moq,
		Unit:         v[fUnit],
		LeadTimeDays: g.prod.lead,
		Origin:       v[fOrigin],
		Source:       catalog.Source{Row: g.row + 1},
	}
	if g.opts.Stock {
		pr.Availability = catalog.InStock
		if v[fStock] == "0" {
			pr.Availability = catalog.OutOfStock
		}
	}
	if g.cur.cents >= 0 {
		pr.Price = &catalog.Money{Amount: catalog.Decimal{Units: int64(g.cur.cents), Scale: 2}, Currency: v[fCurrency]}
	}
	for _, c := range g.p.columns {
		switch c.field {
		case fColour, fMaterial, fSize, fParent:
			if v[c.field] != "" {
				if pr.Attributes == nil {
					pr.Attributes = make(map[string]string, 4)
				}
				pr.Attributes[c.header] = v[c.field]
			}
		}
	}
	return pr
}

// pick returns a random element of s.
func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// newProduct draws the next product and, maybe, its variant group.
func (g *Generator) newProduct() {
	r := g.rng
	g.productSeq++
	g.stats.Products++
	remaining := g.opts.Rows - g.row
	if g.opts.SharedPct > 0 && len(g.poolOrder) > 0 && g.defectsLeft < remaining && r.IntN(100) < g.opts.SharedPct {
		g.pooledProduct()
		return
	}
	pr := g.drawProduct(r, r)
	g.buf = append(g.buf[:0], g.opts.SKUPrefix...)
	g.buf = strconv.AppendInt(g.buf, int64(100000+g.productSeq), 10)
	pr.sku = string(g.buf)
	g.finishProduct(&pr, remaining)
}

// drawProduct draws a product with r: its type, brand, name, material,
// unit, origin, currency and base price; its minimum order and lead time
// (the offer's, not the product's) with own.
func (g *Generator) drawProduct(r, own *rand.Rand) product {
	p := g.p
	ti := r.IntN(len(p.types))
	t := &p.types[ti]
	pr := product{t: t, typeIndex: ti, brand: r.IntN(len(p.brands))}
	g.buf = append(g.buf[:0], pick(r, t.nouns)...)
	if q := pick(r, t.quals); q != "" {
		g.buf = append(g.buf, ' ')
		g.buf = append(g.buf, q...)
	}
	if len(t.specs) > 0 {
		if s := pick(r, t.specs); s != "" {
			g.buf = append(g.buf, ' ')
			g.buf = append(g.buf, s...)
		}
	}
	pr.name = string(g.buf)
	pr.material = pick(r, t.materials)
	pr.unit = pick(r, t.units)
	pr.moq = pick(own, t.moqs)
	pr.lead = p.leadMin + own.IntN(p.leadMax-p.leadMin+1)
	pr.origin = pick(r, p.origins)
	pr.currency = p.currencies[0]
	if len(p.currencies) > 1 {
		n := r.IntN(100)
		for _, c := range p.currencies {
			if n < c.share {
				pr.currency = c
				break
			}
			n -= c.share
		}
	}
	// Prices cluster at the low end of the range, as in real catalogs.
	f := r.Float64()
	pr.cents = t.priceMin + int(f*f*float64(t.priceMax-t.priceMin))
	return pr
}

// pooledProduct makes the next product the next pool product of this
// catalog (Options.SharedPct): itself drawn from the pool's own random
// source, so every catalog of the pool offers the same product, with this
// catalog's SKU, price within 15% of the pool's, minimum order, lead time
// and description. It is standalone and carries no defect.
func (g *Generator) pooledProduct() {
	r, p := g.rng, g.p
	item := uint64(g.poolOrder[0]) //nolint:gosec // G115: an index of Perm, from 0 to SharedPoolSize
	g.poolOrder = g.poolOrder[1:]
	pool := rand.New(rand.NewPCG(g.opts.SharedPool, item+1)) //nolint:gosec // G404: reproducible test data
	pr := g.drawProduct(pool, r)
	pr.pooled = true
	pr.ean = ean13(nil, pick(pool, p.eanPrefixes), (eanItem(g.opts.SharedPool)+item)%1_000_000_000, false, pool)
	var colour option
	if len(pr.t.colours) > 0 {
		colour = pick(pool, pr.t.colours)
	}
	pr.colour = colour.label
	g.buf = append(g.buf[:0], g.opts.SKUPrefix...)
	g.buf = strconv.AppendInt(g.buf, int64(100000+g.productSeq), 10)
	pr.sku = string(g.buf)
	pr.cents = pr.cents * (85 + r.IntN(31)) / 100
	g.group = append(g.group[:0], variant{colour: colour})
	g.next = 0
	pr.description = g.describe(&pr)
	g.prod = pr
	g.stats.Shared++
}

// finishProduct draws the variant group of pr, or makes it one standalone
// row that may carry a defect, and its description.
func (g *Generator) finishProduct(pr *product, remaining int) {
	r, t := g.rng, pr.t
	g.group = g.group[:0]
	g.next = 0
	if g.defectsLeft > 0 && g.wantDefect(remaining) {
		pr.defect = pick(r, []Defect{DefectMissingPrice, DefectBadEAN, DefectEmptyName})
		g.defectsLeft--
	} else if t.axis != axisNone && r.IntN(100) < g.p.variantPct {
		g.drawGroup(t, remaining-g.defectsLeft)
	}
	pr.isGroup = len(g.group) > 1
	if pr.isGroup {
		g.stats.VariantGroups++
	} else {
		g.group = g.group[:0]
		var o option
		if len(t.colours) > 0 {
			o = pick(r, t.colours)
		}
		g.group = append(g.group, variant{colour: o})
		pr.colour = o.label
	}
	pr.description = g.describe(pr)
	g.prod = *pr
}

// eanItem scrambles x (SplitMix64's finaliser), so that nearby seeds land far
// apart, modulo the EANs' item space.
func eanItem(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x % 1_000_000_000
}

// wantDefect decides whether the next product is a defective standalone
// row, so that exactly round(DefectRate × Rows) rows are defective and
// they spread over the whole file.
func (g *Generator) wantDefect(remaining int) bool {
	if g.defectsLeft >= remaining {
		return true
	}
	share := 0.5 // standalone rows per row, until there is data
	if g.row > 100 {
		share = float64(g.standalone) / float64(g.row)
	}
	return g.rng.Float64()*share*float64(remaining) < float64(g.defectsLeft)
}

// drawGroup fills g.group with 2 or more variants, at most limit.
func (g *Generator) drawGroup(t *productType, limit int) {
	r := g.rng
	maxN := min(limit, 8)
	if maxN < 2 {
		return
	}
	switch t.axis {
	case axisColour:
		for _, i := range r.Perm(len(t.colours))[:min(maxN, 2+r.IntN(len(t.colours)-1))] {
			g.group = append(g.group, variant{colour: t.colours[i]})
		}
	case axisSize:
		start := r.IntN(len(t.sizes) - 1)
		n := min(maxN, 2+r.IntN(len(t.sizes)-start-1))
		for i := range n {
			g.group = append(g.group, variant{size: t.sizes[start+i], priceStep: 12 * i})
		}
	case axisColourSize:
		colours := r.Perm(len(t.colours))[:2]
		start := r.IntN(len(t.sizes) - 1)
		ns := min(2+r.IntN(len(t.sizes)-start-1), maxN/2)
		for _, c := range colours {
			for i := range ns {
				g.group = append(g.group, variant{colour: t.colours[c], size: t.sizes[start+i], priceStep: 15 * i})
			}
		}
	}
}

// describe writes the product's description: a sentence of its type, then
// two or three of the profile's, placeholders filled in.
func (g *Generator) describe(pr *product) string {
	r, p := g.rng, g.p
	g.buf = append(g.buf[:0], pick(r, pr.t.sentences)...)
	twoLines := p.newlinePct > 0 && r.IntN(100) < p.newlinePct
	n := 2 + r.IntN(2)
	first := r.IntN(len(p.sentences))
	for i := range n {
		// Consecutive sentences from a random start: distinct, cheap.
		s := p.sentences[(first+i*3)%len(p.sentences)]
		mark := len(g.buf)
		if i == 0 && twoLines {
			g.buf = append(g.buf, '\n')
		} else {
			g.buf = append(g.buf, ' ')
		}
		if !g.fill(s, pr) {
			g.buf = g.buf[:mark]
		}
	}
	return string(g.buf)
}

// fill appends template s with its placeholders replaced, and reports false
// when a placeholder has no value (the caller then drops the sentence).
func (g *Generator) fill(s string, pr *product) bool {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			g.buf = append(g.buf, s...)
			return true
		}
		g.buf = append(g.buf, s[:i]...)
		j := strings.IndexByte(s[i:], '}')
		key := s[i+1 : i+j]
		s = s[i+j+1:]
		switch key {
		case "brand":
			g.buf = append(g.buf, g.p.brands[pr.brand].name...)
		case "material":
			g.buf = append(g.buf, pr.material...)
		case "unit":
			g.buf = append(g.buf, pr.unit...)
		case "lead":
			g.buf = strconv.AppendInt(g.buf, int64(pr.lead), 10)
		case "moq":
			if pr.moq <= 1 {
				return false
			}
			g.buf = strconv.AppendInt(g.buf, int64(pr.moq), 10)
		case "origin":
			g.buf = append(g.buf, originPhrase(g.p.lang, pr.origin)...)
		case "colour":
			n := 0
			for k, v := range g.group {
				if v.colour.label == "" || (k > 0 && slices.ContainsFunc(g.group[:k], func(w variant) bool { return w.colour == v.colour })) {
					continue
				}
				if n > 0 {
					g.buf = append(g.buf, ", "...)
				}
				g.buf = append(g.buf, v.colour.label...)
				n++
			}
			if n == 0 {
				return false
			}
		default:
			return false
		}
	}
}

// fillRow sets g.cur to the next row of the current product.
func (g *Generator) fillRow() {
	r, p, pr := g.rng, g.p, &g.prod
	v := g.group[g.next]
	g.next++
	c := &g.cur
	c.defect = pr.defect
	c.variant = pr.isGroup
	vals := &c.vals

	sku := pr.sku
	vals[fParent] = ""
	if pr.isGroup {
		vals[fParent] = pr.sku
		g.buf = append(g.buf[:0], pr.sku...)
		if v.colour.code != "" {
			g.buf = append(g.buf, '-')
			g.buf = append(g.buf, v.colour.code...)
		}
		if v.size.code != "" {
			g.buf = append(g.buf, '-')
			g.buf = append(g.buf, v.size.code...)
		}
		sku = string(g.buf)
	}
	vals[fSKU] = sku
	vals[fName] = pr.name
	if pr.isGroup && g.opts.Headers == HeadersCanonical {
		// Canonical files have no parent or option columns: the variant's
		// options go into its name, as many shop exports do.
		g.buf = append(g.buf[:0], pr.name...)
		sep := " - "
		for _, o := range [...]string{v.colour.label, v.size.label} {
			if o != "" {
				g.buf = append(g.buf, sep...)
				g.buf = append(g.buf, o...)
				sep = ", "
			}
		}
		vals[fName] = string(g.buf)
	}
	if c.defect == DefectEmptyName {
		vals[fName] = ""
	}
	vals[fDescription] = pr.description
	b := p.brands[pr.brand]
	vals[fBrand] = b.name
	cat := g.cats[pr.typeIndex]
	vals[fCategory], vals[fCat1], vals[fCat2], vals[fCat3] = cat[0], cat[1], cat[2], cat[3]

	cents := pr.cents * (100 + v.priceStep) / 100
	cents = (cents*pr.currency.rate + 50) / 100
	// Round to a price a person would set: ending in 0, 5 or 9 cents.
	if cents > 100 {
		cents = cents - cents%10 + [...]int{0, 5, 9}[cents%3]
	}
	c.cents = cents
	vals[fCurrency] = pr.currency.code
	vals[fPrice] = ""
	if c.defect == DefectMissingPrice {
		c.cents = -1
	} else {
		dec := byte('.')
		if g.opts.Headers == HeadersNative {
			dec = p.decimal
		}
		vals[fPrice] = formatCents(g.buf[:0], cents, dec)
	}

	// EAN: unique per row, from a bijection of the row number.
	g.eanSeq++
	vals[fEAN] = ""
	hasEAN := r.IntN(100) >= 4 || c.defect == DefectBadEAN
	if pr.pooled {
		vals[fEAN] = pr.ean
	} else if hasEAN {
		vals[fEAN] = ean13(g.buf[:0], pick(r, p.eanPrefixes), (g.eanBase+g.eanSeq)%1_000_000_000, c.defect == DefectBadEAN, r)
	}

	g.supplierSeq[pr.brand]++
	g.buf = append(g.buf[:0], b.code...)
	g.buf = append(g.buf, '-')
	g.buf = strconv.AppendInt(g.buf, int64(1000+g.supplierSeq[pr.brand]), 10)
	vals[fSupplierRef] = string(g.buf)

	vals[fMOQ] = strconv.Itoa(pr.moq)
	if g.opts.Stock {
		vals[fStock] = "0"
		if r.IntN(12) > 0 {
			vals[fStock] = strconv.Itoa(max(pr.moq, 1) * (1 + r.IntN(40)))
		}
	}
	vals[fUnit] = pr.unit
	vals[fLeadTime] = strconv.Itoa(pr.lead)
	vals[fOrigin] = pr.origin

	g.buf = append(g.buf[:0], "https://"...)
	g.buf = append(g.buf, p.domain...)
	g.buf = append(g.buf, "/images/"...)
	g.buf = append(g.buf, strings.ToLower(sku)...)
	g.buf = append(g.buf, ".jpg"...)
	vals[fImage] = string(g.buf)
	if g.opts.ImageBase != "" {
		colour := v.colour.label
		if !pr.isGroup {
			colour = pr.colour
		}
		vals[fImage] = pictureURL(g.opts.ImageBase, pr.t.category, colour, sku)
	}

	vals[fColour] = v.colour.label
	if !pr.isGroup {
		vals[fColour] = pr.colour
	}
	vals[fMaterial] = pr.material
	vals[fSize] = v.size.label
}

// formatCents formats cents as "12.50" (or "12,50" with dec ',').
func formatCents(buf []byte, cents int, dec byte) string {
	buf = strconv.AppendInt(buf, int64(cents/100), 10)
	buf = append(buf, dec, byte('0'+cents%100/10), byte('0'+cents%10))
	return string(buf)
}

// ean13 returns prefix followed by digits derived from n and a check digit,
// a wrong one when bad. Distinct n (below 10^9) give distinct codes for one
// prefix: n is multiplied by 3^18, which is invertible modulo 10^9.
func ean13(buf []byte, prefix string, n uint64, bad bool, r *rand.Rand) string {
	const mod = 1_000_000_000
	item := (n*387_420_489 + 123_456_789) % mod
	buf = append(buf, prefix...)
	s := strconv.AppendUint(nil, item, 10)
	for i := len(s); i < 9; i++ {
		buf = append(buf, '0')
	}
	buf = append(buf, s...)
	d := catalog.GTINCheckDigit(string(buf[:12]))
	if bad {
		d = (d + "123456789"[r.IntN(9)] - '0') % 10
	}
	buf = append(buf, '0'+d)
	return string(buf)
}

// ValidEAN13 reports whether s is 13 digits with a correct check digit.
func ValidEAN13(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := range 13 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return catalog.GTINCheckDigit(s[:12]) == s[12]-'0'
}

// originPhrase is the country of origin as a description says it.
func originPhrase(lang, code string) string {
	type names struct{ fr, en string }
	var n names
	switch code {
	case "FR":
		n = names{"en France", "France"}
	case "DE":
		n = names{"en Allemagne", "Germany"}
	case "IT":
		n = names{"en Italie", "Italy"}
	case "ES":
		n = names{"en Espagne", "Spain"}
	case "PT":
		n = names{"au Portugal", "Portugal"}
	case "BE":
		n = names{"en Belgique", "Belgium"}
	case "PL":
		n = names{"en Pologne", "Poland"}
	case "GB":
		n = names{"au Royaume-Uni", "the United Kingdom"}
	case "US":
		n = names{"aux États-Unis", "the USA"}
	case "CN":
		n = names{"en Chine", "China"}
	case "TW":
		n = names{"à Taïwan", "Taiwan"}
	case "VN":
		n = names{"au Viêt Nam", "Vietnam"}
	case "IN":
		n = names{"en Inde", "India"}
	case "TR":
		n = names{"en Turquie", "Türkiye"}
	default:
		n = names{"à l'étranger", code}
	}
	if lang == "fr" {
		return n.fr
	}
	return n.en
}

// EachProduct calls fn with the product of every row of the catalog opts
// describes (see Generator.Product), in file order, until fn returns an
// error, which it returns as is. It is how search benchmarks get 100k or 1M
// products without writing and ingesting a file.
func EachProduct(ctx context.Context, opts Options, fn func(catalog.Product) error) (Stats, error) {
	g, err := NewGenerator(opts)
	if err != nil {
		return Stats{}, err
	}
	for g.Next() {
		if g.row%checkEvery == 0 && ctx.Err() != nil {
			return g.Stats(), catalog.Wrap(catalog.CodeUnavailable, ctx.Err(), "catalog generation was cancelled")
		}
		if err := fn(g.Product()); err != nil {
			return g.Stats(), err
		}
	}
	return g.Stats(), nil
}

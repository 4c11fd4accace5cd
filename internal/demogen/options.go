package demogen

import (
	"math"
	"net/url"
	"strings"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Format is the file format a catalog is written in.
type Format string

// The formats Write produces.
const (
	FormatCSV    Format = "csv"
	FormatXLSX   Format = "xlsx"
	FormatJSON   Format = "json"   // one array of objects keyed by the headers
	FormatNDJSON Format = "ndjson" // one object per line
)

// Formats returns every format, in a stable order.
func Formats() []Format { return []Format{FormatCSV, FormatXLSX, FormatJSON, FormatNDJSON} }

// ParseFormat reads a format name or file extension ("csv", ".XLSX", "jsonl").
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")) {
	case "csv":
		return FormatCSV, nil
	case "xlsx":
		return FormatXLSX, nil
	case "json":
		return FormatJSON, nil
	case "ndjson", "jsonl":
		return FormatNDJSON, nil
	}
	return "", catalog.Errorf(catalog.CodeInvalid, "format %q is not one of csv, xlsx, json, ndjson", s)
}

// HeaderStyle chooses the column headers of a file.
type HeaderStyle string

// Header styles.
const (
	// HeadersNative are the headers the profile's partner really sends
	// (French or English, with their own wording and extra columns).
	HeadersNative HeaderStyle = "native"
	// HeadersCanonical are exactly sku, name, description, brand, category,
	// price, currency, gtin, moq, image: category as "A > B > C", price as
	// "12.50" whatever the profile.
	HeadersCanonical HeaderStyle = "canonical"
)

// MaxXLSXRows is the most data rows an XLSX file can hold (a sheet has
// 1,048,576 rows, one of which is the header).
const MaxXLSXRows = 1<<20 - 1

// MaxRows bounds Options.Rows for every format.
const MaxRows = 100_000_000

// Options say what catalog to generate. The zero value of every field but
// Rows has a default; the same Options always give the same bytes.
type Options struct {
	// Seed selects the catalog; equal seeds give equal output.
	Seed uint64 `json:"seed"`
	// Rows is the number of data rows (header excluded).
	Rows int `json:"rows"`
	// Profile is one of Profiles(); "" means fr-office.
	Profile string `json:"profile,omitempty"`
	// Headers is HeadersNative (the default) or HeadersCanonical.
	Headers HeaderStyle `json:"headers,omitempty"`
	// Partner is the partner id set on generated catalog.Products; "" means
	// the profile's own partner id. It does not change the file's bytes.
	Partner string `json:"partner,omitempty"`
	// DefectRate is the share of rows, from 0 to 1, that carry one defect
	// ingest must report (missing price, bad EAN check digit, empty name).
	// Exactly round(DefectRate × Rows) rows are defective, and never a row
	// of a variant group. 0 (the default) is right for demos, 0.01 for
	// benchmarks.
	DefectRate float64 `json:"defect_rate,omitempty"`
	// Delimiter is the CSV field separator: ',' or ';'. 0 means the
	// profile's own (';' for the French profiles) with native headers and
	// ',' with canonical ones.
	Delimiter rune `json:"delimiter,omitempty"`
	// BOM starts a CSV file with the UTF-8 byte order mark, as Excel does.
	BOM bool `json:"bom,omitempty"`
	// ImageBase, when set, makes the image URLs point at a demo image host
	// serving ImageHandler there (ImageBase/{kind}/{rrggbb}/{sku}.png),
	// which draws each product's kind in its colour. Empty keeps the
	// .example URLs, which resolve nowhere.
	ImageBase string `json:"image_base,omitempty"`
	// SharedPct is the share, in percent from 0 to 100, of the catalog's
	// standalone products drawn from a pool of products that other
	// catalogs draw from too: the same product (GTIN, brand, name,
	// category, colour) offered by several partners, each with its own
	// SKU, price (within 15% of the pool's), minimum order, lead time and
	// description. 0 (the default): none.
	SharedPct int `json:"shared_pct,omitempty"`
	// SharedPool selects the pool: catalogs of one profile with the same
	// SharedPool and SharedPoolSize offer the same pool products. Each
	// catalog draws a pool product at most once.
	SharedPool uint64 `json:"shared_pool,omitempty"`
	// SKUPrefix starts every SKU; "" means the profile's own ("BP-" for
	// fr-office). Partners of one profile need their own (a buyer's quick
	// add by SKU finds one product).
	SKUPrefix string `json:"sku_prefix,omitempty"`
	// Stock adds a "stock" column: the quantity each row has in stock, 0
	// (out of stock) for about one row in twelve.
	Stock bool `json:"stock,omitempty"`
	// SharedPoolSize is how many products the pool holds; 0 means 1000.
	SharedPoolSize int `json:"shared_pool_size,omitempty"`
}

// DefaultSharedPoolSize is the pool size of a SharedPoolSize of 0.
const DefaultSharedPoolSize = 1000

// withDefaults validates o and fills its defaults.
func (o Options) withDefaults() (Options, *profile, error) {
	if o.Profile == "" {
		o.Profile = ProfileFrenchOffice
	}
	p := findProfile(o.Profile)
	if p == nil {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "profile %q is not one of %s", o.Profile, strings.Join(Profiles(), ", "))
	}
	if o.Rows < 0 {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "rows must be 0 or more, not %d", o.Rows)
	}
	if o.Rows > MaxRows {
		return o, nil, catalog.Errorf(catalog.CodeTooLarge, "rows must be at most %d", MaxRows)
	}
	switch o.Headers {
	case "":
		o.Headers = HeadersNative
	case HeadersNative, HeadersCanonical:
	default:
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "headers must be %q or %q, not %q", HeadersNative, HeadersCanonical, o.Headers)
	}
	if o.Partner == "" {
		o.Partner = p.partner
	}
	if !catalog.ValidPartnerID(o.Partner) {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "partner %q is not a valid partner id", o.Partner)
	}
	if math.IsNaN(o.DefectRate) || o.DefectRate < 0 || o.DefectRate > 1 {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "defect rate must be between 0 and 1")
	}
	switch o.Delimiter {
	case 0:
		o.Delimiter = p.delimiter
		if o.Headers == HeadersCanonical {
			o.Delimiter = ','
		}
	case ',', ';':
	default:
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "delimiter must be ',' or ';', not %q", o.Delimiter)
	}
	if o.SKUPrefix == "" {
		o.SKUPrefix = p.skuPrefix
	}
	if o.SharedPct < 0 || o.SharedPct > 100 {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "shared percent must be from 0 to 100, not %d", o.SharedPct)
	}
	if o.SharedPoolSize < 0 || o.SharedPoolSize > MaxRows {
		return o, nil, catalog.Errorf(catalog.CodeInvalid, "shared pool size must be from 0 to %d", MaxRows)
	}
	if o.SharedPoolSize == 0 {
		o.SharedPoolSize = DefaultSharedPoolSize
	}
	if o.ImageBase != "" {
		if u, err := url.Parse(o.ImageBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return o, nil, catalog.Errorf(catalog.CodeInvalid, "image base %q is not an http(s) URL", o.ImageBase)
		}
	}
	return o, p, nil
}

// Defect is what is wrong with a defective row.
type Defect string

// The defects a row can carry. The names match the codes ingest is expected
// to report for them.
const (
	DefectNone         Defect = ""
	DefectMissingPrice Defect = "missing_price" // the price cell is empty
	DefectBadEAN       Defect = "bad_ean"       // 13 digits whose check digit is wrong
	DefectEmptyName    Defect = "empty_name"    // the name cell is empty
)

// Defects counts defective rows by kind.
type Defects struct {
	MissingPrice int `json:"missing_price"`
	BadEAN       int `json:"bad_ean"`
	EmptyName    int `json:"empty_name"`
}

// Total is the number of defective rows.
func (d Defects) Total() int { return d.MissingPrice + d.BadEAN + d.EmptyName }

func (d *Defects) add(k Defect) {
	switch k {
	case DefectMissingPrice:
		d.MissingPrice++
	case DefectBadEAN:
		d.BadEAN++
	case DefectEmptyName:
		d.EmptyName++
	}
}

// Stats describe a generated catalog.
type Stats struct {
	Rows int `json:"rows"` // data rows written
	// Products is the number of distinct products: each standalone row is
	// one, each variant group is one. Canonical files have no parent
	// column, so their ingest sees one product per row; the variant's
	// options are then part of its name ("Plaid en lin - ocre").
	Products      int     `json:"products"`
	VariantGroups int     `json:"variant_groups"` // products with 2 or more rows sharing a parent
	VariantRows   int     `json:"variant_rows"`   // rows that belong to a variant group
	WithoutEAN    int     `json:"without_ean"`    // rows with no EAN at all (not a defect)
	Shared        int     `json:"shared"`         // products drawn from the shared pool (Options.SharedPct)
	Defects       Defects `json:"defects"`
	Bytes         int64   `json:"bytes"` // written by Write; 0 from a Generator
}

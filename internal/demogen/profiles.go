package demogen

// field is one value of a generated row, before it is laid out in columns.
type field int

const (
	fSKU field = iota
	fParent
	fName
	fDescription
	fBrand
	fCategory // the whole path, joined with the profile's separator
	fCat1     // first level of the path
	fCat2     // second level
	fCat3     // third level ("" when the path has two)
	fPrice
	fCurrency
	fEAN
	fSupplierRef
	fMOQ
	fUnit
	fLeadTime
	fOrigin
	fImage
	fColour
	fMaterial
	fSize
	fStock // Options.Stock only
	numFields
)

// column is one header of a file and the field it holds.
type column struct {
	header string
	field  field
}

// canonicalColumns are the headers the thin ingest of the walking skeleton
// maps: exactly these, in this order.
func canonicalColumns() []column {
	return []column{
		{"sku", fSKU},
		{"name", fName},
		{"description", fDescription},
		{"brand", fBrand},
		{"category", fCategory},
		{"price", fPrice},
		{"currency", fCurrency},
		{"gtin", fEAN},
		{"moq", fMOQ},
		{"image", fImage},
	}
}

// variantAxis says what differs between the rows of a variant group.
type variantAxis int

const (
	axisNone variantAxis = iota
	axisColour
	axisSize
	axisColourSize
)

// option is a value and the short code it adds to a variant's SKU.
type option struct {
	label, code string
}

// productType is one kind of product of a profile: its category, the words
// its names are made of, its attributes and its price range.
type productType struct {
	category  []string // 2 or 3 levels
	nouns     []string // the head of the name
	quals     []string // qualifiers after the noun
	specs     []string // a technical spec at the end ("" for none)
	materials []string
	colours   []option
	sizes     []option
	axis      variantAxis
	priceMin  int // in cents of the profile's base currency
	priceMax  int
	units     []string
	moqs      []int
	sentences []string // description sentences specific to the type
}

// brand is a manufacturer and the prefix of its part numbers ("BC-1010").
type brand struct {
	name, code string
}

// currencyShare is a currency and how many rows in 100 use it.
type currencyShare struct {
	code  string
	share int
	rate  int // price in this currency = base price × rate / 100
}

// profile is one partner's way of sending a catalog.
type profile struct {
	name        string // profile id, as given in Options.Profile
	partner     string // default partner id
	title       string // a human description
	lang        string // "fr" or "en"
	domain      string // of image URLs; under the reserved .example TLD
	columns     []column
	delimiter   rune   // native CSV delimiter
	decimal     byte   // decimal separator of native prices
	catSep      string // between category levels in fCategory
	skuPrefix   string
	eanPrefixes []string
	brands      []brand
	currencies  []currencyShare
	origins     []string // ISO 3166 codes; repeat one to weight it
	leadMin     int
	leadMax     int
	variantPct  int // how many products in 100 are variant groups
	types       []productType
	sentences   []string // generic description sentences, with {placeholders}
	newlinePct  int      // how many descriptions in 100 span two lines
}

// Profile names.
const (
	ProfileFrenchOffice       = "fr-office"
	ProfileEnglishHardware    = "en-hardware"
	ProfileChineseElectronics = "cn-electronics"
	ProfileFrenchTextile      = "fr-textile"
)

// profiles returns the partner profiles, in the order Profiles lists them.
// They are built on each call so that no package state can be mutated.
func profiles() []*profile {
	return []*profile{frenchOffice(), englishHardware(), chineseElectronics(), frenchTextile()}
}

func findProfile(name string) *profile {
	for _, p := range profiles() {
		if p.name == name {
			return p
		}
	}
	return nil
}

// Profiles returns the names of the partner profiles, for Options.Profile.
func Profiles() []string {
	ps := profiles()
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.name
	}
	return names
}

// ProfileInfo describes a partner profile.
type ProfileInfo struct {
	Name      string   `json:"name"`
	Partner   string   `json:"partner"` // default partner id
	Title     string   `json:"title"`
	Language  string   `json:"language"`
	Headers   []string `json:"headers"` // native headers, in file order
	Delimiter string   `json:"delimiter"`
}

// DescribeProfiles returns what each profile sends, in the order of Profiles.
func DescribeProfiles() []ProfileInfo {
	ps := profiles()
	out := make([]ProfileInfo, len(ps))
	for i, p := range ps {
		hs := make([]string, len(p.columns))
		for j, c := range p.columns {
			hs[j] = c.header
		}
		out[i] = ProfileInfo{Name: p.name, Partner: p.partner, Title: p.title, Language: p.lang, Headers: hs, Delimiter: string(p.delimiter)}
	}
	return out
}

// Package mapping maps the column headers of partners' files to product
// fields. It knows the headers of WooCommerce, Shopify, Magento,
// PrestaShop and Akeneo exports and of plain supplier sheets, in English
// and French ("Référence", "Désignation", "Prix unitaire HT", "Code EAN"),
// finds the header row below title, logo or blank rows, and applies a
// partner's own overrides. Columns it cannot place are kept as attributes.
package mapping

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// Field is a product field a column can feed.
type Field string

// The fields. FieldAttribute keeps the column as a product attribute under
// its header; FieldIgnore drops it.
const (
	FieldSKU              Field = "sku"
	FieldName             Field = "name"
	FieldDescription      Field = "description"
	FieldShortDescription Field = "short_description"
	FieldBrand            Field = "brand"
	FieldCategory         Field = "category"
	FieldPrice            Field = "price"
	FieldCurrency         Field = "currency"
	FieldGTIN             Field = "gtin"
	FieldMOQ              Field = "moq"
	FieldImage            Field = "image"
	FieldVariantImage     Field = "variant_image"
	FieldSupplierRef      Field = "supplier_ref"
	FieldUnit             Field = "unit"
	FieldLeadTime         Field = "lead_time_days"
	// FieldAvailability is a stock status or a stock quantity.
	FieldAvailability Field = "availability"
	FieldOrigin       Field = "origin"
	// FieldParent holds the key of the product a row is a variant of
	// (WooCommerce's Parent, a model or family code).
	FieldParent Field = "parent"
	// FieldHandle is Shopify's Handle: the product's identity, shared by
	// all its rows.
	FieldHandle Field = "handle"
	// FieldID is the export's own product ID, an identifier of last resort.
	FieldID          Field = "id"
	FieldOptionName  Field = "option_name"  // with Column.Option
	FieldOptionValue Field = "option_value" // with Column.Option
	FieldAttribute   Field = "attribute"
	FieldIgnore      Field = "ignore"
)

// Fields lists the fields an override may name.
func Fields() []Field {
	return []Field{FieldSKU, FieldName, FieldDescription, FieldShortDescription, FieldBrand, FieldCategory,
		FieldPrice, FieldCurrency, FieldGTIN, FieldMOQ, FieldImage, FieldVariantImage, FieldSupplierRef,
		FieldUnit, FieldLeadTime, FieldAvailability, FieldOrigin, FieldParent, FieldHandle, FieldID, FieldAttribute, FieldIgnore}
}

type synonym struct {
	f    Field
	rank int
}

// synonyms maps normalised headers to a field and a rank: when two columns
// claim one field, the lower rank wins and the other is kept as an
// attribute. The table is built once and only read.
var synonyms = sync.OnceValue(buildSynonyms)

func buildSynonyms() map[string]synonym {
	table := map[string]synonym{}
	add := func(f Field, rank int, names ...string) {
		for _, n := range names {
			table[Normalize(n)] = synonym{f, rank}
		}
	}
	add(FieldSKU, 0, "sku", "variant sku", "reference", "référence", "ref", "réf", "reference #", "référence produit",
		"reference produit", "ref produit", "code article", "article", "n° article", "numéro d'article", "item number",
		"item no", "item #", "product code", "code produit", "product sku", "article number", "code")
	add(FieldName, 0, "name", "title", "product name", "nom", "nom du produit", "nom produit", "désignation",
		"designation", "libellé", "libelle", "libellé produit", "intitulé", "product title", "item name", "titre",
		"article name", "product")
	add(FieldDescription, 0, "description", "body (html)", "body html", "body", "long description", "descriptif",
		"description longue", "description produit", "product description", "texte")
	add(FieldShortDescription, 0, "short description", "short_description", "description courte", "résumé", "summary")
	add(FieldBrand, 0, "brand", "marque", "vendor", "brand name", "make", "marque produit")
	add(FieldBrand, 1, "manufacturer", "fabricant")
	add(FieldBrand, 2, "supplier", "fournisseur")
	add(FieldCategory, 0, "category", "categories", "catégorie", "categorie", "catégories", "product category",
		"categories (x,y,z...)", "categories (x,y,z,...)", "famille", "family", "rayon", "gamme", "category path",
		"catégorie produit")
	add(FieldCategory, 2, "type", "product type", "sous-famille", "sous famille")
	add(FieldPrice, 0, "price", "prix", "prix unitaire ht", "prix ht", "prix unitaire", "unit price", "regular price",
		"variant price", "price tax excl.", "price tax excl", "prix de vente", "prix de vente ht", "tarif", "tarif ht",
		"pu ht", "price excl. tax", "price excl tax", "net price", "prix net", "price.amount", "selling price", "prix pro", "prix public ht")
	add(FieldPrice, 1, "wholesale price", "prix de gros")
	add(FieldPrice, 0, "price excl. vat", "price ex vat", "unit price excl. vat", "unit price excl. tax", "prix hors taxes")
	add(FieldPrice, 1, "prix ttc", "price incl. tax", "prix public ttc", "sale price", "price incl. vat")
	add(FieldCurrency, 0, "currency", "devise", "monnaie", "currency code", "price.currency", "code devise")
	add(FieldGTIN, 0, "gtin", "ean", "ean13", "ean 13", "ean-13", "code ean", "ean code", "gtin13", "gtin-13", "gtin14",
		"barcode", "variant barcode", "code barre", "code-barre", "code barres", "code-barres", "upc", "ean/upc", "ean8")
	add(FieldMOQ, 0, "moq", "minimum order quantity", "min order qty", "min. order qty", "minimum quantity",
		"min qty", "quantité minimum", "quantité minimale", "quantité minimale de commande", "qté min", "qte min",
		"qté minimum", "minimum de commande", "minimal quantity", "minimum order")
	add(FieldImage, 0, "image", "images", "image url", "image urls", "image src", "image link", "photo", "photos",
		"url image", "url photo", "picture", "base image", "base_image", "image_url", "image urls (x,y,z...)",
		"image urls (x,y,z,...)", "visuel", "main image", "additional images", "additional_images", "image 1")
	add(FieldVariantImage, 0, "variant image")
	add(FieldSupplierRef, 0, "supplier reference", "supplier reference #", "supplier ref", "supplier sku",
		"référence fournisseur", "reference fournisseur", "ref fournisseur", "réf fournisseur", "mpn",
		"manufacturer part number", "vendor sku", "référence fabricant", "ref fabricant")
	add(FieldUnit, 0, "unit", "unité", "unite", "sales unit", "uom", "unité de vente", "unit of measure", "conditionnement", "packaging")
	add(FieldLeadTime, 0, "lead time", "lead time days", "lead time (days)", "lead_time_days", "délai", "delai",
		"délai de livraison", "delai de livraison", "délai (jours)", "délai de livraison (jours)", "delivery time",
		"délai d'expédition", "délai de livraison (jours ouvrés)", "delivery days", "days to ship", "shipping time",
		"handling time", "dispatch time", "lead time in days")
	// Stock: a status ranks before a quantity (WooCommerce writes both
	// "In stock?" and "Stock"; Shopify "Variant Inventory Qty"; PrestaShop
	// "Quantity", its stock).
	add(FieldAvailability, 0, "availability", "in stock?", "in stock", "stock status", "stock_status",
		"availability status", "disponibilité", "disponibilite", "statut du stock", "état du stock", "etat du stock",
		"en stock")
	add(FieldAvailability, 1, "stock", "stock quantity", "stock qty", "qty in stock", "quantity in stock",
		"inventory", "inventory quantity", "variant inventory qty", "stock disponible", "quantité en stock",
		"qté en stock", "qte en stock", "qté stock")
	add(FieldAvailability, 2, "quantity", "qty")
	add(FieldOrigin, 0, "origin", "country of origin", "pays d'origine", "origine", "made in", "pays de fabrication", "country_of_manufacture")
	add(FieldParent, 0, "parent", "parent sku", "parent id", "model", "modèle", "modele", "model code", "parent reference", "référence parent")
	add(FieldHandle, 0, "handle")
	add(FieldID, 0, "id", "product id", "id produit", "product_id", "entity_id")
	addLocalised(add)
	add(FieldIgnore, 0, "ingest_error", "source.catalog_id", "source.file", "source.row", "updated_at", "hash")
	return table
}

// addLocalised adds the French WooCommerce export headers and the usual
// German and Spanish price-list headers.
//
// WooCommerce: the exporter's default columns (WC_Product_CSV_Exporter,
// woocommerce/includes/export/class-wc-product-csv-exporter.php: "SKU",
// "Name", "Short description", "Sale price", "Regular price", "Categories",
// "Tags", "Images", "Parent", "Brands", "GTIN, UPC, EAN, or ISBN") as the
// fr_FR translation writes them in real exports: "UGS", "Nom", "Description
// courte", "Tarif promo", "Tarif régulier", "Catégories", "Étiquettes",
// "Poids (kg)", "Marques", "GTIN, UPC, EAN ou ISBN" (the field list of
// https://mickael-maury.fr/2019/04/02/woocommerce-importer-son-catalogue-produits-via-fichiers-csv/
// and public import scripts that read French exports by these headers).
// Older fr_FR exports wrote "Prix de base" (regular) and "Prix de vente"
// (sale); "Prix de vente" stays a plain price, as supplier sheets use it.
// Tags ("Étiquettes", "Tags") are left as attributes: never the name or the
// category.
//
// A Spanish "Descripción" or German "Beschreibung" is the product's name
// when the file has no name column (Build), its description otherwise.
func addLocalised(add func(Field, int, ...string)) {
	// WooCommerce, French and English.
	add(FieldSKU, 0, "ugs")
	add(FieldPrice, 0, "tarif régulier", "prix de base")
	add(FieldPrice, 1, "tarif promo")
	add(FieldBrand, 0, "marques", "brands")
	add(FieldGTIN, 0, "gtin, upc, ean ou isbn", "gtin, upc, ean, or isbn")

	// German price lists.
	add(FieldSKU, 0, "artikelnummer", "artikelnr", "artikel-nr", "art.-nr", "artnr", "bestellnummer", "best.-nr")
	add(FieldName, 0, "bezeichnung", "artikelbezeichnung", "produktname", "produktbezeichnung", "artikelname")
	add(FieldDescription, 0, "artikeltext", "langtext", "artikelbeschreibung", "produktbeschreibung", "beschreibung")
	add(FieldShortDescription, 0, "kurzbeschreibung", "kurztext")
	add(FieldPrice, 0, "vk-preis", "verkaufspreis", "vk", "preis", "vk netto", "vk-preis netto", "nettopreis",
		"preis netto", "listenpreis", "händlerpreis", "stückpreis")
	add(FieldPrice, 1, "vk brutto", "vk-preis brutto", "bruttopreis", "preis brutto", "uvp")
	add(FieldBrand, 0, "marke", "markenname")
	add(FieldBrand, 1, "hersteller")
	add(FieldBrand, 2, "lieferant")
	add(FieldCategory, 0, "warengruppe", "kategorie", "produktgruppe", "artikelgruppe")
	add(FieldCategory, 2, "unterkategorie", "untergruppe")
	add(FieldUnit, 0, "einheit", "verpackungseinheit", "mengeneinheit", "ve")
	add(FieldMOQ, 0, "mindestbestellmenge", "mindestmenge", "mindestabnahme")
	add(FieldSupplierRef, 0, "herstellernummer", "hersteller-artikelnummer", "herstellerartikelnummer", "lieferantenartikelnummer")
	add(FieldCurrency, 0, "währung")
	add(FieldImage, 0, "bild", "bilder", "bild-url")
	add(FieldOrigin, 0, "ursprungsland", "herkunftsland")
	add(FieldLeadTime, 0, "lieferzeit", "lieferzeit (tage)", "lieferzeit in tagen", "lieferfrist")
	add(FieldAvailability, 0, "verfügbarkeit", "lieferstatus", "lagerstatus")
	add(FieldAvailability, 1, "lagerbestand", "bestand")

	// Spanish price lists.
	add(FieldSKU, 0, "código", "referencia", "cód.", "código artículo", "código de artículo", "código producto", "cod. art.")
	add(FieldSKU, 1, "código nacional", "cn")
	add(FieldName, 0, "artículo", "nombre", "nombre del producto", "nombre producto", "denominación")
	add(FieldDescription, 0, "descripción", "descripción larga")
	add(FieldShortDescription, 0, "descripción corta")
	add(FieldPrice, 0, "precio", "precio unitario", "precio neto", "precio sin iva", "precio de venta", "tarifa", "pvl")
	add(FieldPrice, 1, "pvp", "p.v.p.", "pvp iva", "pvp con iva", "precio con iva")
	add(FieldBrand, 0, "marca")
	add(FieldBrand, 1, "laboratorio", "fabricante")
	add(FieldBrand, 2, "proveedor")
	add(FieldCategory, 0, "categoría", "familia", "sección")
	add(FieldCategory, 2, "subfamilia", "subcategoría")
	add(FieldGTIN, 0, "código de barras", "código ean", "cod. barras")
	add(FieldUnit, 0, "unidad", "unidad de venta", "formato")
	add(FieldMOQ, 0, "cantidad mínima", "pedido mínimo", "unidades mínimas")
	add(FieldCurrency, 0, "moneda", "divisa")
	add(FieldImage, 0, "imagen", "imágenes", "foto")
	add(FieldOrigin, 0, "país de origen", "origen")
	add(FieldLeadTime, 0, "plazo de entrega")
	add(FieldAvailability, 0, "disponibilidad")
	add(FieldAvailability, 1, "existencias")
}

// nameIfNoName are description headers that name the product when the
// file has no name column: a Spanish price list's "Código, Descripción,
// PVP" describes nothing else.
var nameIfNoName = map[string]bool{"descripcion": true, "beschreibung": true}

// Normalize folds a header for lookup: an Akeneo locale or channel suffix
// ("name-fr_FR", "description-en_US-ecommerce") removed, accents removed,
// lower case, '*' and '#' dropped, runs of other punctuation and spaces
// made one space.
func Normalize(h string) string {
	h = stripAkeneoSuffix(strings.TrimSpace(strings.ToValidUTF8(h, " ")))
	var b strings.Builder
	space := false
	for _, r := range norm.NFD.String(h) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '*' || r == '#' || r == '\'' || r == '’':
			if r == '\'' || r == '’' {
				space = true
			}
		default:
			space = true
		}
	}
	return b.String()
}

// stripAkeneoSuffix removes "-xx_YY" and "-xx_YY-channel" suffixes.
func stripAkeneoSuffix(h string) string {
	parts := strings.Split(h, "-")
	for i := len(parts) - 1; i >= 1; i-- {
		p := parts[i]
		if len(p) == 5 && p[2] == '_' && isLower(p[:2]) && isUpper(p[3:]) {
			return strings.Join(parts[:i], "-")
		}
	}
	return h
}

func isLower(s string) bool {
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func isUpper(s string) bool {
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// Lookup returns the field a header feeds with no override, its option
// number for option columns, and its rank; ok is false for an unknown
// header.
func Lookup(header string) (f Field, option int, rank int, ok bool) {
	n := Normalize(header)
	if n == "" {
		return "", 0, 0, false
	}
	if s, ok := synonyms()[n]; ok {
		return s.f, 0, s.rank, true
	}
	// A price column named with its currency: Akeneo "price-EUR",
	// "Prix HT (EUR)", "Price USD".
	if c := headerCurrency(n); c != "" {
		return FieldPrice, 0, 0, true
	}
	// Shopify "Option1 Name"/"Option1 Value", WooCommerce "Attribute 1
	// name"/"Attribute 1 value(s)", Magento-like "option 2 value".
	for _, pre := range []string{"option", "attribute"} {
		rest, found := strings.CutPrefix(n, pre)
		if !found {
			continue
		}
		rest = strings.TrimSpace(rest)
		num, kind, found := strings.Cut(rest, " ")
		k, err := strconv.Atoi(num)
		if !found || err != nil || k < 1 || k > 50 {
			continue
		}
		switch kind {
		case "name":
			return FieldOptionName, k, 0, true
		case "value", "value s", "values":
			return FieldOptionValue, k, 0, true
		}
	}
	return "", 0, 0, false
}

// HeaderTax reads the tax basis a price header names: French "HT" (hors
// taxes) and English "excl./excluding/ex/net of VAT/tax" are
// catalog.TaxExcluded; "TTC" and "incl./including VAT/tax" are
// catalog.TaxIncluded; anything else is "" (not said).
func HeaderTax(header string) string {
	words := strings.Fields(Normalize(header))
	rules := taxRules()
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = words[i+1]
		}
		for _, r := range rules {
			if slices.Contains(r.words, w) && (r.next == nil || slices.Contains(r.next, next)) {
				return r.tax
			}
		}
	}
	return ""
}

// taxRule is a word of a price header that says its tax basis, with the
// word that must follow it (nil: any).
type taxRule struct {
	words []string
	next  []string
	tax   string
}

// taxRules lists how headers say a tax basis, in French, English, German
// and Spanish. No word starts two rules.
func taxRules() []taxRule {
	taxWords := []string{"tax", "taxes", "vat", "tva", "gst", "mwst", "ust", "iva"}
	return []taxRule{
		{words: []string{"ht", "htva", "netto", "zzgl"}, tax: catalog.TaxExcluded},
		{words: []string{"hors"}, next: []string{"taxe", "taxes", "tva"}, tax: catalog.TaxExcluded},
		{words: []string{"excl", "excluding", "ex", "exc", "exkl"}, next: taxWords, tax: catalog.TaxExcluded},
		{words: []string{"net"}, next: []string{"of"}, tax: catalog.TaxExcluded},
		{words: []string{"sin"}, next: []string{"iva"}, tax: catalog.TaxExcluded},
		{words: []string{"ttc", "tvac", "brutto"}, tax: catalog.TaxIncluded},
		{words: []string{"con"}, next: []string{"iva"}, tax: catalog.TaxIncluded},
		{words: []string{"iva"}, next: []string{"incluido", "incl"}, tax: catalog.TaxIncluded},
		{words: []string{"incl", "including", "inc", "inkl"}, next: taxWords, tax: catalog.TaxIncluded},
	}
}

// headerCurrency returns the ISO code of a price header that ends with one
// ("price eur", "prix ht eur"), or "".
func headerCurrency(n string) string {
	i := strings.LastIndexByte(n, ' ')
	if i < 0 || len(n)-i-1 != 3 {
		return ""
	}
	if s, ok := synonyms()[n[:i]]; !ok || s.f != FieldPrice || s.rank > 0 {
		return ""
	}
	code := strings.ToUpper(n[i+1:])
	switch code {
	case "EUR", "USD", "GBP", "CNY", "JPY", "CHF", "CAD", "AUD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BGN", "INR", "KRW", "BRL", "MXN", "HKD", "SGD", "TWD", "THB", "TRY", "ZAR", "NZD", "AED", "SAR", "MAD", "TND", "XOF", "XAF", "ISK", "MDL", "ARS", "CLP", "COP":
		return code
	}
	return ""
}

// Column is how one column of a file is used.
type Column struct {
	Index  int    // position in the row
	Header string // the header as written (cleaned)
	Field  Field
	Option int // for FieldOptionName and FieldOptionValue
}

// Mapping is how a file's columns feed a product.
type Mapping struct {
	Columns []Column
	// ByField gives the column index of each placed field (-1 if absent).
	ByField map[Field]int
	// Options pairs option-name and option-value columns by number.
	Options []OptionPair
	// PriceCurrency is the currency the price column's header names
	// (Akeneo's "price-EUR"), "" when it names none.
	PriceCurrency string
	// PriceTax is the tax basis the price column's header names:
	// catalog.TaxExcluded ("Prix HT", "price excl. tax", "net of VAT"),
	// catalog.TaxIncluded ("Prix TTC", "price incl. VAT"), or "".
	PriceTax string
	// Known counts headers placed by synonym or override.
	Known int
}

// OptionPair is one numbered variant option (Shopify Option1, WooCommerce
// Attribute 1).
type OptionPair struct {
	Number int
	Name   int // column of the option's name, -1 if none
	Value  int // column of the option's value
}

// Has reports whether field has a column.
func (m *Mapping) Has(f Field) bool { return m.Col(f) >= 0 }

// Col returns the column of field, or -1.
func (m *Mapping) Col(f Field) int {
	if i, ok := m.ByField[f]; ok {
		return i
	}
	return -1
}

// IdentifierFields returns the columns that can give a product its key,
// in order of preference.
func IdentifierFields() []Field {
	return []Field{FieldSKU, FieldSupplierRef, FieldGTIN, FieldID, FieldHandle}
}

// Build maps header. overrides maps a header (as written, or normalised)
// to a field name; they win over the synonyms.
func Build(header []string, overrides map[string]Field) Mapping {
	norms := make(map[string]Field, len(overrides))
	for h, f := range overrides {
		norms[Normalize(h)] = f
	}
	m := Mapping{ByField: map[Field]int{}}
	type claim struct {
		col  int
		rank int
	}
	claims := map[Field][]claim{}
	options := map[int]*OptionPair{}
	for i, h := range header {
		h = cleanHeader(h)
		c := Column{Index: i, Header: h, Field: FieldAttribute}
		if h == "" {
			c.Field = FieldIgnore
		}
		if f, ok := norms[Normalize(h)]; ok && h != "" {
			c.Field = f
			m.Known++
			if f != FieldAttribute && f != FieldIgnore {
				claims[f] = append(claims[f], claim{i, -1})
			}
		} else if f, opt, rank, ok := Lookup(h); ok {
			m.Known++
			c.Field, c.Option = f, opt
			switch f {
			case FieldOptionName, FieldOptionValue:
				p := options[opt]
				if p == nil {
					p = &OptionPair{Number: opt, Name: -1, Value: -1}
					options[opt] = p
				}
				if f == FieldOptionName {
					p.Name = i
				} else {
					p.Value = i
				}
			case FieldIgnore:
			default:
				claims[f] = append(claims[f], claim{i, rank})
			}
		}
		m.Columns = append(m.Columns, c)
	}
	if len(claims[FieldName]) == 0 {
		for i, c := range claims[FieldDescription] {
			if c.rank >= 0 && nameIfNoName[Normalize(m.Columns[c.col].Header)] {
				m.Columns[c.col].Field = FieldName
				claims[FieldName] = []claim{c}
				claims[FieldDescription] = append(claims[FieldDescription][:i:i], claims[FieldDescription][i+1:]...)
				if len(claims[FieldDescription]) == 0 {
					delete(claims, FieldDescription)
				}
				break
			}
		}
	}
	for f, cs := range claims {
		sort.SliceStable(cs, func(a, b int) bool { return cs[a].rank < cs[b].rank })
		m.ByField[f] = cs[0].col
		if f == FieldPrice {
			m.PriceCurrency = headerCurrency(Normalize(m.Columns[cs[0].col].Header))
			m.PriceTax = HeaderTax(m.Columns[cs[0].col].Header)
		}
		for _, c := range cs[1:] {
			if f == FieldImage {
				continue // every image column feeds the images
			}
			m.Columns[c.col].Field = FieldAttribute
		}
	}
	for _, p := range options {
		if p.Value >= 0 {
			m.Options = append(m.Options, *p)
		} else if p.Name >= 0 {
			m.Columns[p.Name].Field = FieldAttribute
		}
	}
	sort.Slice(m.Options, func(a, b int) bool { return m.Options[a].Number < m.Options[b].Number })
	return m
}

func cleanHeader(h string) string {
	h = strings.TrimPrefix(h, "\ufeff")
	return strings.Join(strings.Fields(h), " ")
}

// HasIdentifier reports whether the mapping has a column that can identify
// a product.
func (m *Mapping) HasIdentifier() bool {
	return slices.ContainsFunc(IdentifierFields(), m.Has)
}

// HeaderScanRows is how many leading rows FindHeader looks at.
const HeaderScanRows = 30

// FindHeader returns the index among rows (the first non-blank rows of a
// file) of the header row: the first row with at least two cells that are
// known headers, one of them an identifier or a name, and no more than half
// of its non-empty cells numbers. It returns -1 when there is none.
func FindHeader(rows [][]string, overrides map[string]Field) int {
	norms := make(map[string]bool, len(overrides))
	for h := range overrides {
		norms[Normalize(h)] = true
	}
	best, bestScore := -1, 0
	for i, r := range rows {
		if i >= HeaderScanRows {
			break
		}
		known, key, filled, numeric := 0, false, 0, 0
		seen := map[Field]bool{}
		for _, c := range r {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			filled++
			if isNumber(c) {
				numeric++
			}
			if norms[Normalize(c)] {
				known++
				key = true
				continue
			}
			f, _, _, ok := Lookup(c)
			if !ok || seen[f] && f != FieldOptionName && f != FieldOptionValue {
				continue
			}
			seen[f] = true
			known++
			if f == FieldName || f == FieldSKU || f == FieldHandle || f == FieldSupplierRef || f == FieldGTIN || f == FieldID {
				key = true
			}
		}
		if known >= 2 && key && numeric*2 <= filled && known > bestScore {
			// Take the first good row; a later row only wins by being
			// clearly better (a title row naming two fields by chance).
			if best == -1 || known >= bestScore*2 {
				best, bestScore = i, known
			}
		}
	}
	return best
}

func isNumber(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' || r == ',' || r == ' ' || r == '-' || r == '€' || r == '$':
		default:
			return false
		}
	}
	return digits > 0
}

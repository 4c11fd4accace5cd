package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Weights of the classes of product text, shared by both engines: a word
// found in a name counts most, then in a brand or a category, then in the
// description, then in the other attributes (and variant options). Platform
// metadata is not searched at all (IsMetadata).
const (
	WeightName        = 4.0
	WeightLabel       = 2.0
	WeightDescription = 1.0
	WeightAttribute   = 0.25
)

// TextField is one class of searchable text: its stemmed field (exact word
// matches), its folded and unstemmed field (typos and prefixes; "" when the
// class has none) and its weight. A typo or a prefix match keeps the weight
// of its field, times BoostFuzzy or BoostPrefix.
type TextField struct {
	Exact, Fold string
	Weight      float64
}

// TextFields returns the searchable classes of text, heaviest first: every
// word of a query must match one of them. Descriptions match exact words
// only: a typo or a prefix matching deep in a description is noise.
func TextFields() []TextField {
	return []TextField{
		{FieldName, FieldNameFold, WeightName},
		{FieldLabel, FieldLabelFold, WeightLabel},
		{FieldDescription, "", WeightDescription},
		{FieldAttrText, FieldAttrFold, WeightAttribute},
	}
}

// metadataWords are the words of the export columns that describe a
// product's page, stock or shipping on a selling platform (Shopify,
// WooCommerce, PrestaShop, Magento), not the product: tags, SEO titles and
// descriptions, image alt texts, URLs, variant settings, "Meta:" fields,
// visibility and stock flags, extra prices.
var metadataWords = map[string]bool{
	"tag": true, "tags": true, "etiquette": true, "etiquettes": true, "keywords": true,
	"seo": true, "meta": true, "metadata": true, "markdown": true,
	"alt": true, "image": true, "images": true, "thumbnail": true, "url": true, "handle": true, "slug": true,
	"variant": true, "variations": true, "inventory": true, "fulfillment": true, "shipping": true,
	"tax": true, "taxable": true, "published": true, "status": true, "visibility": true, "visible": true,
	"position": true, "featured": true, "stock": true, "backorders": true, "qty": true, "quantity": true,
	"google": true, "gift": true, "purchase": true, "download": true, "button": true, "grouped": true,
	"upsells": true, "cross": true, "sells": true, "date": true, "price": true, "cost": true,
	"included": true, "reviews": true, "website": true, "websites": true,
}

// IsMetadata reports whether an attribute (an export column kept under its
// header) is platform metadata rather than product text: a word of its name
// (folded, split at anything but letters and digits) is a metadata word
// ("Tags", "Étiquettes", "SEO Title", "Image Alt Text", "Variant Inventory
// Policy", "Meta: _wpcom_is_markdown", "url_key", "Google Shopping /
// Gender"). Metadata stays an attribute (filters, facets, display) but is
// not searched: its words name other products ("pots" in a plant's tags).
func IsMetadata(name string) bool {
	for _, w := range strings.FieldsFunc(Fold(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if metadataWords[w] {
			return true
		}
	}
	return false
}

// LongerWords returns the regular expression, in the syntax both engines
// read (Go's regexp and Lucene's), of the words that start with the word w
// being typed and are longer than it: the prefix matches of w. The word
// itself is left to the exact clauses, so that a word typed in full does
// not count twice (exact and prefix) in the fields that have a folded
// field and once in those that have none (descriptions).
func LongerWords(w string) string {
	var b strings.Builder
	for _, r := range w {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r < utf8.RuneSelf {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteString(".+")
	return b.String()
}

package search

import (
	"iter"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
)

// MaxWords caps the words of a query an engine turns into clauses; the rest
// of a (length-capped) query is ignored.
const MaxWords = 16

// Word is one word of a query plan.
type Word struct {
	// Text is the folded word (after synonyms), fed to the engine's text
	// analyzer, which may still drop it (a stop word) or stem it.
	Text string
	// Fuzz is the typo budget in edits (see Fuzziness).
	Fuzz int
	// Prefix is set on the last word of a query typed without a trailing
	// space: it also matches as the start of a word (search-as-you-type).
	Prefix bool
	// Stop marks a stop word ("de", "the"): it need not match. A query made
	// of stop words only has none marked: all of them must match, so that
	// it never answers the whole catalogue.
	Stop bool
}

// Plan is the engine-neutral reading of a query's text: every word must
// match (exactly, within its typo budget, or as a prefix for the last one)
// in the product's text fields, OR the whole text is an identifier (SKU,
// GTIN, supplier reference) of the product, which then ranks first.
type Plan struct {
	Words []Word
	// Identifier is NormalizeIdentifier(text), "" when the text has no
	// letter or digit.
	Identifier string
	// StopOnly marks a query made only of stop words ("de la", "the and
	// for"): its words must all match, in the name fields (NameFields).
	StopOnly bool
	// NameFields restricts the words to names, brands, categories and
	// attributes, unstemmed (typos and prefixes as usual): descriptions are
	// left out. A query of stop words only, and a relaxed pass, search
	// there (in descriptions they match a large part of any catalogue).
	NameFields bool
	// IdentifierPrefix allows Identifier to match as the start of an
	// identifier: the text is one token of at least 4 characters with a
	// digit, typed without a trailing space.
	IdentifierPrefix bool
}

// Empty reports whether the plan matches everything (no text).
func (p Plan) Empty() bool { return len(p.Words) == 0 && p.Identifier == "" }

// NewPlan reads text (already validated for length and UTF-8).
func NewPlan(text string, syn *Synonyms) Plan {
	words := JoinMeasures(syn.Rewrite(Words(strings.ReplaceAll(text, "×", " x "))))
	if len(words) > MaxWords {
		words = words[:MaxWords]
	}
	r, _ := utf8.DecodeLastRuneInString(text)
	typing := len(text) > 0 && !unicode.IsSpace(r) && !unicode.IsPunct(r)
	p := Plan{Identifier: NormalizeIdentifier(text)}
	if !hasAlnum(p.Identifier) {
		p.Identifier = ""
	}
	if typing && len(words) > 1 && utf8.RuneCountInString(words[len(words)-1]) == 1 {
		// The first letter of the next word: as a prefix it would match
		// nearly everything, as a word nothing yet; wait for the next one.
		words = words[:len(words)-1]
		typing = false
	}
	stop := stopWordsOf(text)
	allStop := true
	for _, w := range words {
		allStop = allStop && stop[w]
	}
	for i, w := range words {
		p.Words = append(p.Words, Word{Text: w, Fuzz: Fuzziness(w), Prefix: typing && i == len(words)-1, Stop: stop[w] && !allStop})
	}
	p.StopOnly = allStop && len(words) > 0
	p.NameFields = p.StopOnly
	p.IdentifierPrefix = typing && len(Words(text)) <= 2 && utf8.RuneCountInString(p.Identifier) >= 4 && HasDigit(p.Identifier)
	return p
}

// stopWordsOf returns the folded words of text that are stop words as typed:
// "de" and "the" are, "thé" is not (it folds to "the" but is a French
// word), so "thé the" keeps "the" as a word.
func stopWordsOf(text string) map[string]bool {
	typed := typedWords(text)
	stop, word := map[string]bool{}, map[string]bool{}
	for _, t := range typed {
		f := Elide(Fold(t))
		if IsStopWord(t) {
			stop[f] = true
		} else {
			word[f] = true
		}
	}
	for w := range word {
		delete(stop, w)
	}
	return stop
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if isWordRune(r) {
			return true
		}
	}
	return false
}

// PriceRange is one bucket of the price facet: From <= amount < To, with 0
// meaning unbounded for To.
type PriceRange struct {
	Label    string
	From, To float64
}

// PriceRanges are the buckets of the "price" facet, in the currency of the
// products (filter by currency for meaningful counts).
var priceRanges = []PriceRange{
	{"0-10", 0, 10}, {"10-50", 10, 50}, {"50-100", 50, 100}, {"100-500", 100, 500}, {"500-", 500, 0},
}

// PriceRanges returns the buckets of the price facet.
func PriceRanges() []PriceRange { return append([]PriceRange(nil), priceRanges...) }

// PriceCurrency picks the currency of the price facet's bands: the
// filter's currency when there is one, else the currency with the most
// priced hits (ties to the first code in alphabetical order); "" when no
// hit has a price. counts maps currency codes to priced hits.
func PriceCurrency(filter string, counts map[string]int) string {
	if filter != "" {
		return strings.ToUpper(filter)
	}
	best, bestN := "", 0
	for c, n := range counts {
		if n > bestN || (n == bestN && n > 0 && c < best) {
			best, bestN = c, n
		}
	}
	return best
}

// PriceBand returns the index of the price band of amount.
func PriceBand(amount float64) int {
	for b, r := range priceRanges {
		if amount >= r.From && (r.To == 0 || amount < r.To) {
			return b
		}
	}
	return len(priceRanges) - 1
}

// CategoryPaths returns every ancestor path of a category, each as
// "A > B": the values indexed for subtree filtering and hierarchical
// facets. ["Maison","Cuisine"] -> ["Maison", "Maison > Cuisine"].
func CategoryPaths(path []string) []string {
	out := make([]string, 0, len(path))
	for i := range path {
		out = append(out, catalog.CategoryString(path[:i+1]))
	}
	return out
}

// AttrField returns the index field name of a product attribute (or variant
// option), named like its facet (catalog.FacetAttrPrefix and the name):
// dots in the name, which both engines read as object paths, become
// underscores.
func AttrField(name string) string {
	b := []byte(name)
	for i, c := range b {
		if c == '.' {
			b[i] = '_'
		}
	}
	return catalog.FacetAttrPrefix + string(b)
}

// PriceFloat returns a price as a float for range queries, facets and
// sorting. A zero (or negative) amount is "price on request", not the
// cheapest product: it is no price at all, so it sorts after the priced
// products, falls in no price band or range and counts in no currency.
func PriceFloat(m *catalog.Money) (float64, bool) {
	if m == nil {
		return 0, false
	}
	f := m.Amount.Float64()
	if math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return 0, false
	}
	return f, true
}

// ProductPrice returns p's price as PriceFloat does, except that a zero
// amount of a product marked Free is a price (zero, the cheapest), not
// "price on request".
func ProductPrice(p catalog.Product) (float64, bool) {
	if f, ok := PriceFloat(p.Price); ok {
		return f, true
	}
	if p.Free && p.Price != nil && p.Price.Amount.Float64() == 0 {
		return 0, true
	}
	return 0, false
}

// FormatFloat formats a bound for logs and engine queries.
func FormatFloat(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// Source yields every product to index, a failure last (as
// catalog.Store.Products does; store.Products(ctx, "") is one). Reindex
// reads its products from a Source.
type Source = iter.Seq2[catalog.Product, error]

// Batches reads src and hands its products to put in batches of at most
// size (the last one may be shorter), calling progress, when not nil, with
// the running count after each batch. It returns how many products put
// took; a Reindex of either engine is this loop around its own bulk write.
// The first error, of src or put, ends the read.
func Batches(src Source, size int, put func([]catalog.Product) error, progress func(done int)) (int, error) {
	n := 0
	batch := make([]catalog.Product, 0, size)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := put(batch); err != nil {
			return err
		}
		n += len(batch)
		batch = batch[:0]
		if progress != nil {
			progress(n)
		}
		return nil
	}
	for p, err := range src {
		if err != nil {
			return n, err
		}
		if batch = append(batch, p); len(batch) >= size {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

// Boosts of the query clauses, shared by both engines so that they rank
// alike. A typo or a prefix match counts less than an exact one in the same
// field: the field's weight (TextField.Weight) times BoostFuzzy or
// BoostPrefix. An exact identifier outweighs any text match, so that it
// ranks first.
const (
	BoostFuzzy      = 0.4
	BoostPrefix     = 0.6
	BoostIdentifier = 100.0
	BoostIDPrefix   = 5.0
)

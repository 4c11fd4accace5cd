package bleveindex

import (
	"fmt"
	"math"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Names of the analysis components this package registers with Bleve and
// uses in its index mapping. The mapping (with the synonym rules) is stored
// in the index, so an index keeps the analysis it was built with.
const (
	foldFilterName     = "catalog_fold"     // token filter: search.Fold + search.Elide
	synonymsFilterType = "catalog_synonyms" // token filter type: search.Synonyms rules
	synonymsFilterName = "catalog_synonyms_rules"
	textAnalyzer       = "catalog_text" // words: folded, elided, synonyms, light stemming (stop words kept: see search.Word.Stop)
	foldAnalyzer       = "catalog_fold" // words: folded and elided only (prefixes, suggestions)
)

// init registers the two token filters of this package with Bleve's
// registry, which is how Bleve finds analysis components by name when it
// opens an index; registering is idempotent per process.
func init() {
	err := registry.RegisterTokenFilter(foldFilterName, func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) {
		return foldFilter{}, nil
	})
	if err == nil {
		err = registry.RegisterTokenFilter(synonymsFilterType, newSynonymFilter)
	}
	if err != nil {
		panic(err) // a name clash between packages: a programming error
	}
}

// foldFilter folds each token (lowercase, no accents) and strips a French
// elided article: "L'Événement" -> "evenement". It works on tokens, not on
// the input bytes, so token offsets still point into the original text for
// highlighting.
type foldFilter struct{}

func (foldFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	for _, t := range in {
		if plainLower(t.Term) {
			out = append(out, t) // already folded: the common case, no allocation
			continue
		}
		w := search.Elide(search.Fold(string(t.Term)))
		if w == "" {
			continue
		}
		t.Term = []byte(w)
		out = append(out, t)
	}
	return out
}

// plainLower reports whether term is lowercase ASCII letters and digits
// only, which folding and elision leave as is.
func plainLower(term []byte) bool {
	for _, c := range term {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// synonymFilter contracts a run of tokens that a synonym rule covers into
// the rule's single canonical word, spanning the run's offsets.
type synonymFilter struct{ syn *search.Synonyms }

func newSynonymFilter(config map[string]any, _ *registry.Cache) (analysis.TokenFilter, error) {
	var lines []string
	if raw, ok := config["rules"].([]any); ok {
		for _, r := range raw {
			if s, ok := r.(string); ok {
				lines = append(lines, s)
			}
		}
	}
	syn, err := search.ParseSynonyms(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		return nil, err
	}
	return synonymFilter{syn: syn}, nil
}

func (f synonymFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	if f.syn.MaxLen() == 0 {
		return in
	}
	out := make(analysis.TokenStream, 0, len(in))
	words := make([]string, 0, f.syn.MaxLen())
	for i := 0; i < len(in); {
		words = words[:0]
		for k := i; k < len(in) && k-i < f.syn.MaxLen(); k++ {
			words = append(words, string(in[k].Term))
		}
		n, to := f.syn.Match(words)
		if n == 0 {
			out = append(out, in[i])
			i++
			continue
		}
		t := *in[i]
		t.Term = []byte(to)
		t.End = in[i+n-1].End
		out = append(out, &t)
		i += n
	}
	return out
}

// newMapping builds the index mapping: the analyzers, and the fields a
// product becomes (see document).
func newMapping(syn *search.Synonyms) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	rules := make([]any, 0)
	for _, r := range syn.SolrRules() {
		rules = append(rules, r)
	}
	if err := m.AddCustomTokenFilter(synonymsFilterName, map[string]any{"type": synonymsFilterType, "rules": rules}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(textAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{foldFilterName, synonymsFilterName, fr.LightStemmerName, en.PluralStemmerName},
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(foldAnalyzer, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []any{foldFilterName},
	}); err != nil {
		return nil, err
	}

	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	kw := func(docValues bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = docValues
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	src := bleve.NewTextFieldMapping()
	src.Index = false
	src.Store = true
	src.IncludeInAll = false
	src.IncludeTermVectors = false
	src.DocValues = false

	doc := bleve.NewDocumentStaticMapping()
	for _, f := range search.TextFields() {
		doc.AddFieldMappingsAt(f.Exact, text(textAnalyzer))
		if f.Fold != "" {
			doc.AddFieldMappingsAt(f.Fold, text(foldAnalyzer))
		}
	}
	doc.AddFieldMappingsAt(search.FieldFold, text(foldAnalyzer))
	doc.AddFieldMappingsAt(search.FieldSpell, text(foldAnalyzer))
	doc.AddFieldMappingsAt(search.FieldIDs, kw(false))
	doc.AddFieldMappingsAt(search.FieldBrand, kw(true))
	doc.AddFieldMappingsAt(search.FieldPartner, kw(true))
	doc.AddFieldMappingsAt(search.FieldCategory, kw(false))
	doc.AddFieldMappingsAt(fCategoryLeaf, kw(true))
	doc.AddFieldMappingsAt(search.FieldCurrency, kw(true))
	doc.AddFieldMappingsAt(search.FieldGrade, kw(true))
	doc.AddFieldMappingsAt(search.FieldAvailability, kw(true))
	doc.AddFieldMappingsAt(search.FieldLeadTime, kw(true))
	doc.AddFieldMappingsAt(search.FieldOfferKey, kw(true)) // doc values: the insights count shared offers on the columns
	doc.AddFieldMappingsAt(search.FieldGroup, kw(true))
	doc.AddFieldMappingsAt(search.FieldNameSort, kw(true))
	doc.AddFieldMappingsAt(search.FieldPrice, num())
	doc.AddFieldMappingsAt(search.FieldUpdated, kw(true))
	doc.AddFieldMappingsAt(fPriceKey, kw(true))
	doc.AddFieldMappingsAt(fSource, src)
	version := bleve.NewNumericFieldMapping()
	version.Index = false
	version.Store = true
	version.IncludeInAll = false
	version.DocValues = false
	doc.AddFieldMappingsAt(fVersion, version)
	attrs := bleve.NewDocumentMapping()
	attrs.Dynamic = true
	attrs.DefaultAnalyzer = keyword.Name
	doc.AddSubDocumentMapping("attr", attrs)
	// No "_all" composite field: queries name their fields, and building it
	// would analyze every text a third time.
	doc.AddSubDocumentMapping("_all", bleve.NewDocumentDisabledMapping())

	m.DefaultMapping = doc
	m.DefaultAnalyzer = keyword.Name
	m.StoreDynamic = false
	m.IndexDynamic = true
	m.DocValuesDynamic = true
	return m, nil
}

// Index fields of this engine besides the shared ones (search.Field*).
// search.FieldUpdated is UpdatedAt as fixed-width unix seconds, a keyword:
// its one doc value sorts in time order, where a numeric field would carry
// sixteen prefix-coded terms per document.
const (
	// fCategoryLeaf is the whole path only: the category facet counts leaves
	// and adds them up to their ancestors, reading a third of the values.
	fCategoryLeaf = "category_leaf"
	// fPriceKey is the price as fixed-width micro-units, a keyword, for the
	// same reason as search.FieldUpdated; the numeric search.FieldPrice
	// serves range filters and the facet.
	fPriceKey = "price_key"
	fSource   = "src"     // the product as JSON, stored only
	fVersion  = "version" // Product.Version, stored only
)

// document turns a product into the fields of the mapping: the shared
// ones (search.Doc.Fields) and this engine's own.
func document(p catalog.Product, src string) map[string]any {
	d := search.NewDoc(p)
	m := d.Fields()
	m[search.FieldUpdated] = updatedKey(d.Updated)
	m[fSource] = src
	m[fVersion] = float64(p.Version)
	if n := len(d.Categories); n > 0 {
		m[fCategoryLeaf] = d.Categories[n-1]
	}
	if d.HasPrice {
		m[fPriceKey] = priceKey(d.Price)
	}
	if len(d.Attrs) > 0 {
		attrs := make(map[string]any, len(d.Attrs))
		for k, v := range d.Attrs {
			attrs[k] = v
		}
		m["attr"] = attrs
	}
	return m
}

// updatedKey writes unix seconds so that string order is time order.
func updatedKey(sec int64) string {
	if sec < 0 {
		sec = 0
	}
	return fmt.Sprintf("%020d", sec)
}

// priceKey writes a price so that string order is price order.
func priceKey(price float64) string {
	micro := math.Round(price * 1e6)
	if micro < 0 || math.IsNaN(micro) {
		micro = 0
	}
	if micro > 9e18 {
		micro = 9e18
	}
	return fmt.Sprintf("%020d", int64(micro))
}

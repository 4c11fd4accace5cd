package osindex

import (
	"github.com/catalogsearch/catalogsearch/internal/catalog"
	"github.com/catalogsearch/catalogsearch/internal/search"
)

// Index fields of this engine besides the shared ones (search.Field*,
// filled from search.Doc).
const (
	fID      = "id"
	fProduct = "product" // the product as the API returns it; kept, not indexed
)

// settings returns the index settings: shards, replicas and the analysis
// of package search written as OpenSearch components, the same algorithms
// as the Bleve adapter's (standard tokenizer = UAX #29 words, ASCII folding,
// elision with the same articles, the synonyms file's rules as contractions,
// light_french and plural_english stemmers). Stop words are indexed: the
// query plan decides which words need not match (search.Word.Stop).
func settings(syn *search.Synonyms, replicas int) map[string]any {
	textFilters := []string{"lowercase", "asciifolding", "catalog_elision"}
	filters := map[string]any{
		"catalog_elision": map[string]any{"type": "elision", "articles": search.ElisionArticles(), "articles_case": true},
		"catalog_fr":      map[string]any{"type": "stemmer", "language": "light_french"},
		"catalog_en":      map[string]any{"type": "stemmer", "language": "plural_english"},
	}
	if rules := syn.SolrRules(); len(rules) > 0 {
		filters[synonymFilter] = map[string]any{"type": "synonym", "synonyms": rules}
		textFilters = append(textFilters, synonymFilter)
	}
	textFilters = append(textFilters, "catalog_fr", "catalog_en")
	return map[string]any{
		"number_of_shards":   1,
		"number_of_replicas": replicas,
		// A deleted document's version is remembered this long (default
		// 60s), so a stream record replayed late (the indexer's records live
		// up to 7 days, streamMaxRecordAgeSec) cannot bring it back: its
		// external version is not above the remembered one.
		"gc_deletes":                    DeleteTombstoneTTL,
		"max_result_window":             catalog.MaxResultDepth,
		"mapping.total_fields.limit":    5000,
		"highlight.max_analyzed_offset": 100000,
		"analysis": map[string]any{
			"filter": filters,
			"analyzer": map[string]any{
				"catalog_text": map[string]any{"type": "custom", "tokenizer": "standard", "filter": textFilters},
				"catalog_fold": map[string]any{"type": "custom", "tokenizer": "standard", "filter": []string{"lowercase", "asciifolding", "catalog_elision"}},
			},
		},
	}
}

// mappings returns the field mappings; attributes become keyword fields
// under "attr" through a dynamic template.
func mappings() map[string]any {
	text := func(analyzer string) map[string]any { return map[string]any{"type": "text", "analyzer": analyzer} }
	kw := map[string]any{"type": "keyword"}
	props := map[string]any{
		search.FieldFold:         text("catalog_fold"),
		search.FieldSpell:        text("catalog_fold"),
		search.FieldIDs:          kw,
		search.FieldBrand:        kw,
		search.FieldPartner:      kw,
		search.FieldCategory:     kw,
		search.FieldCurrency:     kw,
		search.FieldGrade:        kw,
		search.FieldAvailability: kw,
		search.FieldLeadTime:     kw,
		search.FieldOfferKey:     kw,
		search.FieldGroup:        kw,
		search.FieldNameSort:     kw,
		fID:                      kw,
		search.FieldPrice:        map[string]any{"type": "double"},
		search.FieldUpdated:      map[string]any{"type": "long"},
		"attr":                   map[string]any{"type": "object", "dynamic": true},
		fProduct:                 map[string]any{"type": "object", "enabled": false},
	}
	// The classes of searchable text (search.TextFields): stemmed, and
	// folded for typos and prefixes.
	for _, f := range search.TextFields() {
		props[f.Exact] = text("catalog_text")
		if f.Fold != "" {
			props[f.Fold] = text("catalog_fold")
		}
	}
	return map[string]any{
		"dynamic": false,
		"dynamic_templates": []any{
			map[string]any{"attributes": map[string]any{
				"path_match":         "attr.*",
				"match_mapping_type": "string",
				"mapping":            map[string]any{"type": "keyword", "ignore_above": 256},
			}},
		},
		"properties": props,
	}
}

// Document returns the _source the adapter indexes for a product (exported
// for the benchmark's bare _bulk baseline, which must send the same bytes).
func Document(p catalog.Product) map[string]any { return document(p) }

// document is the _source of a product: the shared fields
// (search.Doc.Fields) and this engine's own.
func document(p catalog.Product) map[string]any {
	d := search.NewDoc(p)
	m := d.Fields()
	m[search.FieldUpdated] = d.Updated
	m[fID] = p.ID
	m[fProduct] = p
	return m
}

// DeleteTombstoneTTL is the index.gc_deletes of every index: how long a
// deleted document's version blocks older writes of it.
const DeleteTombstoneTTL = "7d"

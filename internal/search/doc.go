// Package search holds the engine-neutral parts of product search that every
// catalog.Index shares, so that the embedded Bleve engine and OpenSearch
// behave alike: folding and splitting of the user's text into words, the
// stop words and elided articles of the text analyzer, synonyms, identifier
// normalisation, the typo budget of a word, the price-range facet buckets,
// autocomplete suggestions, the choice of a "did you mean" correction
// (Correction) and the highlight markers.
//
// The user's text is never parsed as query syntax: Plan turns it into plain
// words, and each engine builds term, fuzzy and prefix queries from them.
// Both engines index the same fields (Field*, filled by Doc.Fields), and
// build their native filter clauses from Filters, which normalises category
// paths and currencies and leaves out a facet's own filter (multi-select).
package search

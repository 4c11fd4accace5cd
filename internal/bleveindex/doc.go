// Package bleveindex is the embedded catalog.Index: a Bleve index in a
// folder, the default search engine of the local stack.
//
// Text fields use the analysis of package search on Bleve components:
// Unicode word tokenizer, accent folding and French elision (a token filter
// of this package, so offsets still point into the original text),
// synonyms (a token filter of this package reading the synonyms file's
// rules), stop words, the light French stemmer and the English plural
// stemmer, the same algorithms as the OpenSearch adapter's analyzer.
// Queries are built from search.Plan as term, fuzzy and prefix queries; the
// user's text is never parsed as Bleve query-string syntax.
//
// The indexed version of each product is a stored field, read back (one
// search per batch) and checked under a writer lock before every write, so
// a late or replayed update never rolls a document back.
//
// Searches without attribute or grade facets and without a cursor count
// facets and sort on in-memory columns of the index snapshot (fast.go,
// columns.go). A change to the index makes them stale: one background
// goroutine builds the new snapshot's columns, copying the rows of the
// segments the previous columns hold and reading only the new segments
// (incremental.go). A search waits for such a small build; while a large
// one runs (the first after open, a big merge) searches run on Bleve's own
// collector.
package bleveindex

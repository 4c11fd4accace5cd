// Package analysis holds the analyses of the catalogs that go beyond
// search: the quality rules that score every product at ingest (a grade
// from A to E that partners can read and act on).
//
// Scores are computed once, when a product is ingested, and stored with it
// (catalog.Product.Quality): search filters and counts grades like any
// other field, and the partner area reads the summary that ingest wrote
// into the catalog's report, so nothing rescans the products. The rules
// are fixed in code and versioned (RulesVersion): a change of the rules
// changes the products' content hash, so the next upload of each catalog
// rewrites every product with its new score.
package analysis

// Package ingest turns a partner's catalog file (a blob under
// incoming/{partner}/) into products in the Store, with a report of every
// row it could not use. It is the same code on the embedded default and in
// the ingest Lambda (awslambda.IngestQueueHandler). Upload slots and the checks before a
// confirmation are in package intake, which the API uses without linking
// this package's parsers.
//
// The pipeline streams a file through three stages (pipeline.go), with the
// context passed to each step:
//
//   - the reader (rowReader, reader.go) reads rows whatever the format and
//     encoding (package tabular), finds the header row and maps columns to
//     fields (package mapping), and cleans each row's prices, GTINs, URLs
//     and text (package values) into a preparedRow;
//   - the assembler (assemble*.go) turns rows into products, with one
//     strategy per way a file tells variants apart: flatAssembler (each
//     row is a product), handleAssembler (Shopify: rows sharing a Handle
//     are one product with variants) and parentAssembler (WooCommerce,
//     Akeneo, model columns: a row whose Parent names another product is
//     one of its variants; Parent empty or 0 means none);
//   - the writer (productWriter, writer.go) stores the finished products
//     in batches, skipping unchanged ones, and removes what a full catalog
//     no longer mentions.
//
// Beside them the reportBook (report.go) records warnings and rejected
// rows. CSV and XLSX rows are read, prepared and consumed on separate
// goroutines (parallel.go); products come out in file order either way.
// The writer scores every product by the quality rules of package
// analysis before it compares hashes (quality.go): the score is stored with
// the product, the report gets the file's quality summary, and the
// products that fail a rule become the catalog's products-to-fix CSV.
//
// Each product carries a content hash; a product whose hash is already
// stored is not written again, so re-ingesting an unchanged file writes
// nothing. A full catalog removes the partner's products it does not
// mention, unless that would remove more than the partner's removal guard
// (default 20%): then the catalog waits in status needs_confirmation until Confirm (called by the API on the
// embedded default, by the ingest Lambda for the api Lambda's queued
// confirmations on AWS).
//
// The catalog ID derives from partner, key, the blob's ETag and its
// version (catalog.BlobInfo.Version), so a file event delivered twice (or
// concurrently) is one ingest: the second CreateCatalog conflicts and
// Ingest returns the first one's record. Identical content uploaded again
// is a new version, hence a new catalog. A running ingest refreshes its
// catalog's heartbeat every 30 seconds; a delivery that finds a catalog in
// processing with a heartbeat over 2 minutes old takes it over (the
// process that ran it died).
//
// Indexing is not done here: the Store's change feed drives the indexer.
package ingest

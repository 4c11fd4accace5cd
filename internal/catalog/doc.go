// Package catalog is the domain of Catalog Search: products, the catalogs
// (files) they come from, the report of each ingest, the one coded error type,
// and the interfaces (Store, Index, Blobs) that adapters implement.
//
// It imports the standard library only. Use cases (ingest, search, the HTTP
// API) depend on these interfaces; adapters (bbolt, Bleve, disk, DynamoDB,
// OpenSearch, S3) implement them and prove it by passing the conformance
// suites in internal/catalogtest.
package catalog

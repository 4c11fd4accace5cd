// Package osindex is the catalog.Index on OpenSearch (opensearch-go v4),
// the engine the AWS Lambdas use; it is named so as not to shadow the SDK.
//
// New puts an index template (settings with the custom analyzers of package
// search, and the mappings) for "<alias>-*" and creates a first versioned
// index "<alias>-<timestamp>" behind the alias. Writes are _bulk requests
// with per-item handling and backoff on 429/503, and external versioning
// (version_type=external with Product.Version), so that a late or replayed
// update never rolls a document back. Reindex builds a new index and swaps
// the alias in one atomic call. Requests are SigV4-signed (signer/awsv2)
// when a Region is configured, plain HTTP otherwise (a node on loopback).
//
// Queries are built from search.Plan as match, fuzzy, prefix and term
// clauses: the user's text is never given to query_string.
package osindex

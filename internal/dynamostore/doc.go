// Package dynamostore implements catalog.Store on one DynamoDB table
// (aws-sdk-go-v2), and converts the table's stream records into
// catalog.Changes for the indexer.
//
// # Single-table layout
//
// The table has a string partition key and sort key named by
// contract.TablePartitionKey and contract.TableSortKey, and a stream with
// NEW_AND_OLD_IMAGES. Items:
//
//	product            pk "P#{partner}#{shard}"  sk "{product id}"   doc (S, JSON), v (N, version), h (S, content hash)
//	product tombstone  pk "P#{partner}#{shard}"  sk "{product id}"   del (BOOL true), v (N), ttl (N, epoch seconds)
//	catalog            pk "C#{catalog id}"       sk "C"              doc (B, gzip JSON), lp, ls (its listing keys), ttl (N, an unused upload slot's)
//	catalog listing    pk "L#{partner}" / "L*"   sk "{received_at}#{id}"  doc (B, gzip JSON), ttl (N, as its catalog)
//	key sessions       pk "K#{key digest}"       sk "S"              g (N, site-session generation)
//	catalog change     pk "H#{catalog id}#{shard}" sk "{product id}" doc (S, JSON catalog.ProductChange), ttl (N, Options.HistoryTTL)
//	price point        pk "R#{product id}"       sk "{at, RFC 3339 ns}#{catalog id}"  doc (S, JSON catalog.PricePoint), ttl (N, as above)
//	search day totals  pk "A#{YYYY-MM}"          sk "{YYYY-MM-DD}#T"  s, z, c{1..100}, f:{filter} (N counts), ttl (N, the day's end + Options.HistoryTTL)
//	search query day   pk "A#{YYYY-MM}"          sk "{YYYY-MM-DD}#Q#{query}"  s, z, c (N counts), lt, la (N, last total and its unix ns), ttl (N, as above)
//
// A partner's products are spread over productShards partition keys (by a
// hash of the product id) so that one partner's large ingest never writes
// to a single hot partition, while Products of one partner stays a few
// Queries instead of a table Scan. A catalog's changes are spread over the
// same shards (of their product id): a catalog of a million new products
// writes a million changes. Catalog listings are copies written in
// the same transaction as the catalog, so that ListCatalogs is one Query
// sorted by the sort key, with no secondary index to provision. The record
// of an upload slot nobody used and its listing copies carry the table's TTL
// attribute (catalog.Catalog.ExpiresAt, a day after the slot expired), so
// DynamoDB deletes them; the write that uses or takes the slot drops it.
//
// The search analytics (catalog.SearchLog) are counts per UTC day, one
// partition per month: AddSearchEvents sums a batch in memory and sends
// one UpdateItem ADD per distinct item; SearchStats is one Query per month
// of the period (a sort key range of its days), never a Scan. The
// analytics Lambda writes them; the api Lambda only reads them.
//
// # Concurrency
//
// Product versions increase by conditional writes: every PutItem carries
// the version it read, and a writer that lost a race re-reads and retries,
// so two concurrent writers never store two products with one version.
// CreateCatalog is a conditional put: the second writer gets
// catalog.CodeConflict, and so does EndSessions when the generation it
// moves from is no longer the stored one. Deletes go in BatchWriteItem requests whose
// unprocessed items are retried with exponential backoff and jitter.
//
// # Deletes keep the version
//
// A deleted product is replaced by a tombstone that keeps its version (plus
// one) and expires through the table's TTL attribute after a week. A
// product sent again after its removal so gets a version above every
// version the index has seen, which an index with external versioning
// (OpenSearch keeps its own delete markers for a while) requires; with a
// plain delete it would start again at 1 and be refused. Reads and scans
// skip tombstones; the stream converter turns a tombstone write into a
// delete change and ignores the tombstone's expiry.
package dynamostore

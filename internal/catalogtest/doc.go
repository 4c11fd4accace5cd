// Package catalogtest holds the conformance suites that every implementation
// of catalog.Store and catalog.Blobs runs, embedded (bbolt, disk) and AWS
// (DynamoDB, S3) alike, so that both homes provably behave the same. The
// search behaviours every catalog.Index must show live in internal/indextest.
package catalogtest

// Package stacks is the AWS infrastructure of Catalog Search as CDK
// constructs and stacks in Go. Constructs are the unit (GoFunction builds any
// Lambda folder of the module with local bundling); stacks compose them per
// stage from one typed StageConfig: Data (stateful: bucket, table, search
// domain, queues), Pipeline (ingest, indexer, reindex Lambdas), API (REST
// API), Website (PHP on Lambda behind CloudFront) and Monitoring (alarms,
// dashboard). Stack names carry the stage so several stages share an
// account. The only internal package imported is internal/contract.
package stacks

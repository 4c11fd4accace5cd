// Package awslambda holds the Lambda-side handlers that the thin mains in
// lambdas/ wire to adapters: the API Gateway REST proxy adapter in front of
// the API's http.Handler, the api Lambda's QueuedIntake (confirmations
// checked, then queued on SQS for the ingest Lambda), the DynamoDB Stream
// handler of the indexer with partial batch failures, the reindex handler,
// and the JSON logger that stamps every line with the Lambda request id.
// Configuration comes from environment variables named in
// internal/contract. The ingest Lambda's wiring is in subpackage ingestfn,
// so that the other Lambdas do not link the file-parsing pipeline.
package awslambda

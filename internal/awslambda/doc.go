// Package awslambda is the one home of the Lambda event adapters, the
// handlers that the thin mains in lambdas/ wire to adapters: the API
// Gateway REST proxy adapter in front of the API's http.Handler, the
// ingest queue's handler (S3 notifications and the api Lambda's
// confirmations, on SQS), the api Lambda's QueuedIntake (confirmations
// checked, then queued on SQS for the ingest Lambda), the DynamoDB Stream
// handler of the indexer with partial batch failures, the reindex handler,
// the images queue's handler and the ingest Lambda's sender to that queue
// (ImageRunQueue), the analytics Lambda's handler of the api Lambda's
// search_event log lines (SearchEventsHandler, a CloudWatch Logs
// subscription), and the JSON logger that stamps every line with the Lambda request id.
// Configuration comes from environment variables named in
// internal/contract; Main reads it and runs a Lambda's Run function, which
// is all a main does. Only dynamostore reads a Lambda event elsewhere: a
// stream record's item images, which only the table's adapter can read.
// The ingest Lambda's wiring (not an adapter) is in subpackage ingestfn,
// so that the other Lambdas do not link the file-parsing pipeline; the
// images Lambda's in subpackage imagesfn, so that they do not link the
// image decoders.
package awslambda

// Package awse2e holds the end-to-end and fault tests of the AWS code path,
// run on real protocol peers on loopback: moto_server (S3, SQS, DynamoDB,
// DynamoDB Streams), a real OpenSearch node, and the Lambda bootstrap
// binaries under the Runtime Interface Emulator, invoked with real event
// JSON. The test code plays the part of the AWS event plumbing that has no
// local peer (the SQS and DynamoDB Streams event source mappings): it reads
// the queue and the stream with the SDK and hands the batches to the
// binaries, as Lambda would. make test-aws starts the peers and runs them.
package awse2e

# AWS code path: the DynamoDB and S3 adapters on moto_server, the Lambda
# handlers, and the end-to-end and fault tests of the Lambda binaries under
# the Runtime Interface Emulator with a real OpenSearch node.
#   make test-aws     installs moto (scripts/moto.sh) and the emulator
#                     (scripts/rie.sh), starts a local OpenSearch node
#                     (scripts/opensearch.sh) unless OPENSEARCH_URL is set,
#                     runs the tests, stops the node even on failure. Each
#                     test binary starts and stops its own moto_server on a
#                     free loopback port (internal/awstest).
#   make bench-aws    writes docs/bench/aws.md, after bench-aws-ingest
#   make bench-aws-ingest
#                     the measured model of a big ingest (issue 15): the
#                     ingest binary under the emulator, 4 at once, fed from
#                     its queue by awstest.QueueDriver, on moto behind
#                     awstest.LatencyProxy (5 ms ± 2 ms a request) limited
#                     to 200 write units a second (a 1/20 scale model of a
#                     new on-demand table, below moto's own speed), one
#                     invocation against chunks of 750 (the stacks' 60 s
#                     rule at that scale), AWS_BENCH_ROWS rows
#                     (bench/awsbench); writes docs/bench/aws-ingest-table.md
TEST_TARGETS += test-aws
BENCH_TARGETS += bench-aws bench-aws-ingest
AWS_BENCH_ROWS ?= 25000,50000

AWS_PKGS := ./internal/dynamostore/... ./internal/s3blobs/... ./internal/awslambda/... \
	./internal/emf/... ./internal/awstest/... ./internal/awse2e/...

.PHONY: moto rie test-aws bench-aws bench-aws-ingest

moto: ## install moto_server (PyPI moto[server], pinned) into .cache/moto
	@scripts/moto.sh >/dev/null

rie: ## build the Lambda Runtime Interface Emulator (Go module, pinned) into .cache/bin
	@scripts/rie.sh >/dev/null

# with-opensearch runs $(1) with OPENSEARCH_URL set: the given node, or a
# node started here and stopped on exit, whatever the outcome.
define with-opensearch
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  echo "$@: using OpenSearch at $$OPENSEARCH_URL"; \
	  $(1); \
	else \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  url=$$(scripts/opensearch.sh start); \
	  echo "$@: OpenSearch started at $$url"; \
	  OPENSEARCH_URL=$$url $(1); \
	fi
endef

test-aws: moto rie ## AWS adapters on moto; Lambda end-to-end and fault tests under the emulator with OpenSearch
	$(call with-opensearch,AWSTEST_REQUIRED=1 $(GO_TEST) -count=1 -timeout 20m $(AWS_PKGS))

bench-aws: moto rie bench-aws-ingest ## requests and write units per ingest, Lambda sizes, cold starts -> docs/bench/aws.md
	@mkdir -p docs/bench
	$(call with-opensearch,AWSTEST_REQUIRED=1 AWS_BENCH_OUT=$(CURDIR)/docs/bench/aws.md go test -count=1 -timeout 20m -run TestBenchAWS -v ./internal/awse2e/)

bench-aws-ingest: moto rie ## big ingest on moto behind a 5 ms proxy and a 200 WCU/s table, 4 Lambdas under the emulator: single invocation vs chunks -> docs/bench/aws-ingest-table.md
	@mkdir -p docs/bench
	go run ./bench/awsbench -n $(AWS_BENCH_ROWS) -k 4 -chunk 750 -wcu 200 -singles-last -out docs/bench/aws-ingest-table.md

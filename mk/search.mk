# Search: the conformance suite of search behaviours (internal/indextest) on
# Bleve and on a real OpenSearch node, and the search benchmarks.
#   make test-search                      starts a local OpenSearch 2.19 node on
#                                         loopback (scripts/opensearch.sh), runs
#                                         the suites, stops the node even on failure
#   OPENSEARCH_URL=http://... make test-search   uses that node instead
TEST_TARGETS += test-search
BENCH_TARGETS += bench-search

SEARCH_PKGS := ./internal/search/... ./internal/indextest/... ./internal/bleveindex/... ./internal/osindex/...
# Products of the search benchmark, and of its second, Bleve-only run (0: none).
BENCH_SEARCH_N ?= 100000
BENCH_SEARCH_LARGE ?= 1000000
BENCH_SEARCH_CMD = make bench-search BENCH_SEARCH_N=$(BENCH_SEARCH_N) BENCH_SEARCH_LARGE=$(BENCH_SEARCH_LARGE)
BENCH_SEARCH_RUN = go run ./bench/searchbench -n $(BENCH_SEARCH_N) -large-n $(BENCH_SEARCH_LARGE) \
	-command "$(BENCH_SEARCH_CMD)" -out docs/bench/search.md

.PHONY: opensearch-download test-search bench-search

opensearch-download: ## fetch OpenSearch (Maven Central, via mvn) into .cache/opensearch
	scripts/opensearch.sh download

test-search: ## search conformance suite on Bleve and on OpenSearch (local node, or OPENSEARCH_URL)
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  echo "test-search: using OpenSearch at $$OPENSEARCH_URL"; \
	  $(GO_TEST) -count=1 $(SEARCH_PKGS) && go test -count=1 -run Reindex ./cmd/catalogctl/; \
	else \
	  url=$$(scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  echo "test-search: OpenSearch started at $$url"; \
	  OPENSEARCH_URL=$$url OPENSEARCH_REQUIRED=1 $(GO_TEST) -count=1 $(SEARCH_PKGS) && \
	  OPENSEARCH_URL=$$url go test -count=1 -run Reindex ./cmd/catalogctl/; \
	fi

bench-search: ## search and indexing benchmarks (Bleve, OpenSearch); writes docs/bench/search.md
	@mkdir -p docs/bench
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  $(BENCH_SEARCH_RUN); \
	else \
	  url=$$(OPENSEARCH_HEAP=1g scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  OPENSEARCH_URL=$$url $(BENCH_SEARCH_RUN); \
	fi
	@echo "wrote docs/bench/search.md"

# The relevance benchmark: graded queries over real public catalogs (the
# exports in ../shared/testdata/real, and the Magento sample catalog when
# RELEVANCE_MAGENTO names a fetched magento2-sample-data snapshot; each set
# absent is skipped with one line) on Bleve, OpenSearch and a plain Bleve
# match query as the baseline.
BENCH_TARGETS += bench-relevance
RELEVANCE_RUN = go run ./bench/relevancebench -out docs/bench/relevance.md

.PHONY: bench-relevance
bench-relevance: ## relevance (MRR, nDCG@10, recall, zero results, false hits) on real catalogs; writes docs/bench/relevance.md
	@mkdir -p docs/bench
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  $(RELEVANCE_RUN); \
	else \
	  url=$$(scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  OPENSEARCH_URL=$$url $(RELEVANCE_RUN); \
	fi
	@echo "wrote docs/bench/relevance.md"

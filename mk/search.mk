# Search: the conformance suite of search behaviours (internal/indextest) on
# Bleve and on a real OpenSearch node, and the search benchmarks.
#   make test-search                      starts a local OpenSearch 2.19 node on
#                                         loopback (scripts/opensearch.sh), runs
#                                         the suites, stops the node even on failure
#   OPENSEARCH_URL=http://... make test-search   uses that node instead
TEST_TARGETS += test-search
BENCH_TARGETS += bench-search bench-search-scale bench-insights

SEARCH_PKGS := ./internal/search/... ./internal/indextest/... ./internal/bleveindex/... ./internal/osindex/...
# Products of the search benchmark, and of its second, Bleve-only run (0: none).
BENCH_SEARCH_N ?= 100000
BENCH_SEARCH_LARGE ?= 1000000
BENCH_SEARCH_CMD = make bench-search BENCH_SEARCH_N=$(BENCH_SEARCH_N) BENCH_SEARCH_LARGE=$(BENCH_SEARCH_LARGE)
BENCH_SEARCH_RUN = go run ./bench/searchbench -n $(BENCH_SEARCH_N) -large-n $(BENCH_SEARCH_LARGE) \
	-command "$(BENCH_SEARCH_CMD)" -load-clients 0 -out docs/bench/search.md
# The scale run: Bleve alone at BENCH_SCALE_N products, its latencies through
# the API handler, then 1 and 16 HTTP clients for BENCH_SCALE_LOAD each
# (throughput against cores x the 1-client rate, p99, resident set), and 16
# clients while changed products are upserted. Run with nice on a shared machine.
BENCH_SCALE_N ?= 1000000
BENCH_SCALE_LOAD ?= 60s

.PHONY: opensearch-download test-search bench-search bench-search-scale bench-insights

opensearch-download: ## fetch OpenSearch (Maven Central, via mvn) into .cache/opensearch
	scripts/opensearch.sh download

test-search: ## search conformance suite on Bleve and on OpenSearch (local node, or OPENSEARCH_URL)
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  echo "test-search: using OpenSearch at $$OPENSEARCH_URL"; \
	  $(GO_TEST) -count=1 $(SEARCH_PKGS) && $(GO_TEST) -count=1 -run Reindex ./cmd/catalogctl/; \
	else \
	  url=$$(scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  echo "test-search: OpenSearch started at $$url"; \
	  OPENSEARCH_URL=$$url OPENSEARCH_REQUIRED=1 $(GO_TEST) -count=1 $(SEARCH_PKGS) && \
	  OPENSEARCH_URL=$$url $(GO_TEST) -count=1 -run Reindex ./cmd/catalogctl/; \
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

bench-search-scale: ## Bleve at 1M products: latencies, 16 HTTP clients for 60 s, search while writing; writes docs/bench/search-scale.md
	@mkdir -p docs/bench
	nice go run ./bench/searchbench -n $(BENCH_SCALE_N) -large-n 0 -opensearch "" -load $(BENCH_SCALE_LOAD) \
	  -title "Search at scale: Bleve under load" \
	  -command "make bench-search-scale BENCH_SCALE_N=$(BENCH_SCALE_N) BENCH_SCALE_LOAD=$(BENCH_SCALE_LOAD)" \
	  -out docs/bench/search-scale.md
	@echo "wrote docs/bench/search-scale.md"

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

# The insights page's API calls over generated products with shared offers,
# on Bleve and on a local OpenSearch node (or OPENSEARCH_URL).
BENCH_INSIGHTS_N ?= 1000000
BENCH_INSIGHTS_RUN = nice go run ./bench/insightsbench -n $(BENCH_INSIGHTS_N) \
	-command "make bench-insights BENCH_INSIGHTS_N=$(BENCH_INSIGHTS_N)" -out docs/bench/insights.md
bench-insights: ## the insights page's server time over BENCH_INSIGHTS_N products (Bleve, OpenSearch); writes docs/bench/insights.md
	@mkdir -p docs/bench
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  $(BENCH_INSIGHTS_RUN) -opensearch "$$OPENSEARCH_URL"; \
	else \
	  url=$$(scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  $(BENCH_INSIGHTS_RUN) -opensearch "$$url"; \
	fi
	@echo "wrote docs/bench/insights.md"

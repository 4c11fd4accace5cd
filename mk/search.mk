# Search: the conformance suite of search behaviours (internal/indextest) on
# Bleve and on a real OpenSearch node, and the search benchmarks.
#   make test-search                      starts a local OpenSearch 2.19 node on
#                                         loopback (scripts/opensearch.sh), runs
#                                         the suites, stops the node even on failure
#   OPENSEARCH_URL=http://... make test-search   uses that node instead
TEST_TARGETS += test-search

SEARCH_PKGS := ./internal/search/... ./internal/indextest/... ./internal/bleveindex/... ./internal/osindex/...

.PHONY: opensearch-download test-search

opensearch-download: ## fetch OpenSearch (Maven Central, via mvn) into .cache/opensearch
	scripts/opensearch.sh download

test-search: ## search conformance suite on Bleve and on OpenSearch (local node, or OPENSEARCH_URL)
	@if [ -n "$${OPENSEARCH_URL:-}" ]; then \
	  echo "test-search: using OpenSearch at $$OPENSEARCH_URL"; \
	  go test -count=1 $(SEARCH_PKGS); \
	else \
	  url=$$(scripts/opensearch.sh start); \
	  trap 'scripts/opensearch.sh stop' EXIT; \
	  echo "test-search: OpenSearch started at $$url"; \
	  OPENSEARCH_URL=$$url OPENSEARCH_REQUIRED=1 go test -count=1 $(SEARCH_PKGS); \
	fi

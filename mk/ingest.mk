# Catalog ingestion: unit and embedded-store tests (real exports, the
# hostile corpus), bounded fuzzing of every parser, and the benchmarks.
INGEST_PKGS := ./internal/ingest/...
# Fuzz targets as package:Func; each runs for INGEST_FUZZTIME.
INGEST_FUZZTIME ?= 10s
INGEST_FUZZ := \
	./internal/ingest/tabular:FuzzOpen \
	./internal/ingest/tabular:FuzzCSV \
	./internal/ingest/tabular:FuzzJSON \
	./internal/ingest/tabular:FuzzNDJSON \
	./internal/ingest/tabular:FuzzXLSX \
	./internal/ingest/mapping:FuzzHeader \
	./internal/ingest/values:FuzzPrice \
	./internal/ingest/values:FuzzGTIN \
	./internal/ingest/values:FuzzText

TEST_TARGETS += test-ingest
BENCH_TARGETS += bench-ingest

.PHONY: test-ingest fuzz-ingest bench-ingest bench-ingest-local
test-ingest: deps ## ingest tests (real exports, hostile corpus) and bounded fuzzing of every parser
	@if [ ! -d ../shared/testdata/real ]; then \
		if [ "$${CI:-}" = true ]; then echo "test-ingest: ../shared/testdata/real (the real third-party exports) is missing, and CI needs it"; exit 1; fi; \
		echo "test-ingest: ../shared/testdata/real is missing: the real-export tests skip (a clone alone)"; \
	fi
	$(GO_TEST) -count=1 $(INGEST_PKGS)
	$(MAKE) --no-print-directory fuzz-ingest

fuzz-ingest: ## run each ingest fuzz target for INGEST_FUZZTIME (default 10s)
	@mkdir -p $(CACHE)
	@for spec in $(INGEST_FUZZ); do \
		pkg=$${spec%%:*}; fn=$${spec##*:}; \
		echo "fuzz $$pkg $$fn ($(INGEST_FUZZTIME))"; \
		go test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(INGEST_FUZZTIME) $$pkg > $(CACHE)/fuzz-$$fn.log 2>&1 && continue; \
		if ! grep -q 'Failing input written to' $(CACHE)/fuzz-$$fn.log; then \
			echo "fuzz $$fn: the fuzzing engine stopped without a failing input (a stall under load); running it once more:"; \
			tail -5 $(CACHE)/fuzz-$$fn.log; \
			go test -run '^$$' -fuzz "^$$fn\$$" -fuzztime $(INGEST_FUZZTIME) $$pkg > $(CACHE)/fuzz-$$fn.log 2>&1 && continue; \
		fi; \
		cat $(CACHE)/fuzz-$$fn.log; echo "fuzz $$fn failed: the failing input is under $$pkg/testdata/fuzz/$$fn"; exit 1; \
	done

bench-ingest: ## ingest benchmarks; writes docs/bench/ingest.md and ingest-local.md
	@mkdir -p docs/bench
	go run ./bench/ingestbench -out docs/bench/ingest.md -local-out docs/bench/ingest-local.md

# Only the first ingests into the local stack (store + index), 100,000,
# 250,000 and 1,000,000 rows: time, peak RSS, store and index agreeing.
bench-ingest-local: ## first ingests into the local stack only; writes docs/bench/ingest-local.md
	@mkdir -p docs/bench
	go run ./bench/ingestbench -only-local -local-out docs/bench/ingest-local.md

# demogen: the demo and benchmark data generator (internal/demogen).
# Its tests run in test-go (./internal/...); this adds its benchmark.
BENCH_TARGETS += bench-demogen
DEMOGEN_BENCH := go test -run '^$$' -bench 'Write' -benchtime 1x -count 1 ./internal/demogen/

.PHONY: test-demogen bench-demogen
test-demogen: ## demogen tests only: determinism, writers parse back, flat memory
	$(GO_TEST) -count=1 ./internal/demogen/

bench-demogen: ## generator speed and allocation per row; writes docs/bench/demogen.md
	@mkdir -p docs/bench
	@echo "running: $(DEMOGEN_BENCH)"
	@out=$$($(DEMOGEN_BENCH)); echo "$$out"; \
	{ echo "## Demo and benchmark data generator"; echo; \
	  echo "Reproduce: \`$(subst $$$$,$$,$(DEMOGEN_BENCH))\` (profile fr-office, 1% defects, output discarded)."; \
	  echo "Memory is flat when B/row stays level from 10k to 100k rows; TestMemoryFlat also checks the live heap."; echo; \
	  echo "| format | rows | seconds | rows/s | MB/s | B/row | allocs/row |"; \
	  echo "|---|---:|---:|---:|---:|---:|---:|"; \
	  echo "$$out" | awk '/^Benchmark/ { \
	    name=$$1; sub(/-[0-9]+$$/, "", name); n=split(name, p, "/"); \
	    if (name ~ /CSV1M/) { f="csv"; rows=1000000 } else { f=p[2]; split(p[3], r, "="); rows=r[2] } \
	    for (i=2; i<NF; i++) { v[$$(i+1)]=$$i } \
	    printf "| %s | %d | %.2f | %.0f | %.1f | %.0f | %.1f |\n", f, rows, v["ns/op"]/1e9, v["rows/s"], v["MB/s"], v["B/op"]/rows, v["allocs/op"]/rows }'; \
	} > docs/bench/demogen.md
	@echo "wrote docs/bench/demogen.md"

# Catalog Search. Two commands set everything up on a fresh machine:
#   make run    the local stack with demo data (prints the URL)
#   make test   every check CI runs
# Each room of the project adds its own targets in mk/*.mk and appends its
# test target to TEST_TARGETS; tools are installed into .cache/ (ignored).
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

export GOFLAGS := -buildvcs=false
CACHE := $(CURDIR)/.cache
BIN := $(CURDIR)/bin
export PATH := $(CACHE)/bin:$(CACHE)/node/node_modules/.bin:$(CACHE)/cdk-cli/node_modules/.bin:$(PATH)

TEST_TARGETS :=
BENCH_TARGETS :=
# go test through scripts/gotest.sh: every skipped test goes to this log,
# and the end of `make test` prints how many were skipped and why.
GO_TEST := scripts/gotest.sh
export TEST_SKIPS_LOG := $(BIN)/test-skips.log
include $(sort $(wildcard mk/*.mk))

.PHONY: help test bench run
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN{FS=":.*## "}{printf "  %-18s %s\n", $$1, $$2}'

# test-go first: the fast tier fails fast. Targets run one after another.
test: test-skips-reset test-go $(filter-out test-go,$(TEST_TARGETS)) ## every check CI runs (installs what it needs)
	@scripts/gotest.sh --summary
	@echo "make test: all checks passed ($(TEST_TARGETS))"

.PHONY: test-skips-reset
test-skips-reset:
	@mkdir -p $(BIN) && : > $(TEST_SKIPS_LOG) && : > $(TEST_SKIPS_LOG).ran

bench: $(BENCH_TARGETS) ## benchmarks; figures go to docs/benchmarks.md

# Each bench target writes its own section to docs/bench/<room>.md; this
# joins them, with the machine they ran on, into docs/benchmarks.md.
bench:
	scripts/benchmarks-md.sh > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

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
export PATH := $(CACHE)/bin:$(CACHE)/node/node_modules/.bin:$(PATH)

TEST_TARGETS :=
BENCH_TARGETS :=
include $(sort $(wildcard mk/*.mk))

.PHONY: help test bench run
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN{FS=":.*## "}{printf "  %-18s %s\n", $$1, $$2}'

# test-go first: the fast tier fails fast. Targets run one after another.
test: test-go $(filter-out test-go,$(TEST_TARGETS)) ## every check CI runs (installs what it needs)
	@echo "make test: all checks passed ($(TEST_TARGETS))"

bench: $(BENCH_TARGETS) ## benchmarks; figures go to docs/benchmarks.md

# Each bench target writes its own section to docs/bench/<room>.md; this
# joins them, with the machine they ran on, into docs/benchmarks.md.
bench:
	scripts/benchmarks-md.sh > docs/benchmarks.md
	@echo "wrote docs/benchmarks.md"

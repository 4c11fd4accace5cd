# Go: format, vet, lint, unit and conformance tests, the local stack.
GOLANGCI_VERSION := v2.15.0
GOLANGCI := $(CACHE)/bin/golangci-lint
# gocyclo: no function of the module, tests included, at a cyclomatic
# complexity of 30 or more (the figure gocyclo prints: 1 + each if, for,
# case, && and ||).
GOCYCLO_VERSION := v0.6.0
GOCYCLO := $(CACHE)/bin/gocyclo
GOCYCLO_OVER := 29
# Packages of the unit tier; other rooms run their own tiers.
GO_UNIT_PKGS := ./internal/... ./cmd/... ./lambdas/...

TEST_TARGETS += test-go

$(GOLANGCI):
	@echo "installing golangci-lint $(GOLANGCI_VERSION) into $(CACHE)/bin"
	GOBIN=$(CACHE)/bin go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

$(GOCYCLO):
	@echo "installing gocyclo $(GOCYCLO_VERSION) into $(CACHE)/bin"
	GOBIN=$(CACHE)/bin go install github.com/fzipp/gocyclo/cmd/gocyclo@$(GOCYCLO_VERSION)

.PHONY: deps fmt-check vet lint cyclo test-go build run
deps: ## download Go modules
	go mod download

fmt-check: ## fail on unformatted Go files
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet: ## go vet
	go vet ./...

lint: $(GOLANGCI) cyclo ## golangci-lint with .golangci.yml, and gocyclo
	$(GOLANGCI) run ./...

cyclo: $(GOCYCLO) ## fail on a function (tests included) of cyclomatic complexity over $(GOCYCLO_OVER)
	@if ! out=$$($(GOCYCLO) -over $(GOCYCLO_OVER) .); then \
	  echo "gocyclo: these functions have a cyclomatic complexity over $(GOCYCLO_OVER) (the limit of make lint):"; \
	  echo "$$out"; \
	  echo "split each into named steps, a table of cases or rules, or subtests"; \
	  exit 1; \
	fi

test-go: deps fmt-check vet lint ## unit and conformance tests (embedded adapters)
	$(GO_TEST) -count=1 $(GO_UNIT_PKGS)
	go test -run '^$$' -fuzz '^FuzzDecimal$$' -fuzztime 5s ./internal/catalog

build: ## build catalogctl into bin/
	go build -o $(BIN)/catalogctl ./cmd/catalogctl

run: build php-cli ## the local stack with demo data
	$(BIN)/catalogctl serve --data $(CURDIR)/data --addr 127.0.0.1:8080 --demo

# Go: format, vet, lint, unit and conformance tests, the local stack.
GOLANGCI_VERSION := v2.15.0
GOLANGCI := $(CACHE)/bin/golangci-lint
# Packages of the unit tier; other rooms run their own tiers.
GO_UNIT_PKGS := ./internal/... ./cmd/... ./lambdas/...

TEST_TARGETS += test-go

$(GOLANGCI):
	@echo "installing golangci-lint $(GOLANGCI_VERSION) into $(CACHE)/bin"
	GOBIN=$(CACHE)/bin go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION)

.PHONY: deps fmt-check vet lint test-go build run
deps: ## download Go modules
	go mod download

fmt-check: ## fail on unformatted Go files
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet: ## go vet
	go vet ./...

lint: $(GOLANGCI) ## golangci-lint with .golangci.yml
	$(GOLANGCI) run ./...

test-go: deps fmt-check vet lint ## unit and conformance tests (embedded adapters)
	$(GO_TEST) -count=1 $(GO_UNIT_PKGS)
	go test -run '^$$' -fuzz '^FuzzDecimal$$' -fuzztime 5s ./internal/catalog

build: ## build catalogctl into bin/
	go build -o $(BIN)/catalogctl ./cmd/catalogctl

run: build php-cli ## the local stack with demo data
	$(BIN)/catalogctl serve --data $(CURDIR)/data --addr 127.0.0.1:8080 --demo

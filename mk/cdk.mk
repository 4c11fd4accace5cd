# AWS CDK app (app.go, stacks/): assertion tests per stage, cdk-nag, then the
# CLI synth of every stage linted by cfn-lint and checkov. Tools: the CDK CLI
# (npm, pinned by scripts/cdk-cli/package-lock.json, into .cache/cdk-cli, out
# of the Go tool's ./...; `make` puts its bin folder on PATH) and cfn-lint +
# checkov (PyPI, into .cache/pytools), installed by scripts/cdk-cli.sh and scripts/pytools.sh.
TEST_TARGETS += test-cdk

CDK_ENV ?= dev
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: test-cdk test-cdk-go cdk-check cdk-synth cdk-diff cdk-deploy cdk-tools cdk-template-diff

cdk-tools: ## install the CDK CLI and the infrastructure linters into .cache
	scripts/cdk-cli.sh >/dev/null
	scripts/pytools.sh >/dev/null

# cdk-tools first: the jsii runtime of the Go bindings needs node.
test-cdk-go: cdk-tools ## CDK assertion tests and cdk-nag on every stage (go test ./stacks/)
	go vet . ./stacks/...
	$(GO_TEST) -count=1 ./stacks/...

cdk-check: cdk-tools ## cdk synth of every stage, then cfn-lint and checkov on the templates
	scripts/cdk-check.sh

test-cdk: test-cdk-go cdk-check ## every infrastructure check

cdk-synth: cdk-tools ## cdk synth of one stage: make cdk-synth CDK_ENV=prod
	$$(scripts/cdk-cli.sh) synth -c env=$(CDK_ENV) --output cdk.out/$(CDK_ENV) --quiet

cdk-diff: cdk-tools ## cdk diff of one stage against the deployed stacks (needs AWS credentials)
	$$(scripts/cdk-cli.sh) diff -c env=$(CDK_ENV) --output cdk.out/$(CDK_ENV)

cdk-deploy: cdk-tools ## cdk deploy of every stack of one stage (needs AWS credentials)
	$$(scripts/cdk-cli.sh) deploy -c env=$(CDK_ENV) --output cdk.out/$(CDK_ENV) 'CatalogSearch-$(CDK_ENV)-*'

# For review: what this tree changes in every stage's templates, against
# REF (default main), without AWS credentials (cmd/templatediff).
REF ?= main
cdk-template-diff: cdk-tools ## what the working tree changes in each stage's templates: make cdk-template-diff [REF=main]
	scripts/cdk-template-diff.sh $(REF)

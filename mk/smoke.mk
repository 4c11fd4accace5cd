# Post-deploy smoke test (catalogctl smoke, docs/deploy.md): in make test it
# runs against the local stack as make run starts it.
TEST_TARGETS += test-smoke

.PHONY: test-smoke smoke
test-smoke: build php-cli ## catalogctl smoke against a local stack (make run's, on a free port)
	scripts/smoke-local.sh $(BIN)/catalogctl

smoke: build ## catalogctl smoke against a deployed stage: make smoke URL=https://... [KEY=csk_...]
	$(BIN)/catalogctl smoke --url "$(URL)" $(if $(KEY),--key "$(KEY)")

# Property-based API fuzzing: schemathesis (PyPI, pinned, into .cache/apifuzz
# by scripts/venv.sh) sends requests generated from internal/api/openapi.json
# to the local stack, with and without a partner key, and fails on any 5xx,
# schema violation or undocumented status (scripts/api-fuzz/run.sh).
# Deterministic; bounded by API_FUZZ_EXAMPLES per operation and phase and a
# hard cap of API_FUZZ_CAP seconds per pass.
SCHEMATHESIS_VERSION := 4.32.5
API_FUZZ_EXAMPLES ?= 50
API_FUZZ_CAP ?= 115
TEST_TARGETS += test-api-fuzz

.PHONY: test-api-fuzz
test-api-fuzz: build ## fuzz the local stack's API against openapi.json (schemathesis, deterministic, < 4 min)
	scripts/venv.sh apifuzz "schemathesis==$(SCHEMATHESIS_VERSION)" -- schemathesis >/dev/null
	API_FUZZ_EXAMPLES=$(API_FUZZ_EXAMPLES) API_FUZZ_CAP=$(API_FUZZ_CAP) \
		scripts/api-fuzz/run.sh $(BIN)/catalogctl $(CACHE)/apifuzz/bin/schemathesis

# Product images (internal/images): safe fetching, sniffing, resizing. Its
# unit tests (every fetch refusal against local servers) run in test-go;
# the browser test web/e2e/tests/images.test.mjs runs in e2e-web.
#   make bench-images        thumbnailing and re-ingest figures, then the
#                            page weight of a results page with pictures
#                            -> docs/bench/images.md, docs/bench/images-web.md
#   make screenshots-images  the images browser test, writing
#                            docs/screenshots/images-*.png
BENCH_TARGETS += bench-images

.PHONY: test-images bench-images screenshots-images
test-images: ## image fetch-safety, sniffing and resizing tests only
	go test -count=1 ./internal/images/

bench-images: build php-cli browser-tools ## images per second per core, peak memory, re-ingest requests, page weight -> docs/bench/images*.md
	@mkdir -p docs/bench
	nice go run ./bench/imagesbench -out docs/bench/images.md
	cd web/e2e && $(WEB_E2E_ENV) node bench-images.mjs $(CURDIR)/docs/bench/images-web.md

screenshots-images: build php-cli browser-tools ## the images browser test, with screenshots into docs/screenshots/
	cd web/e2e && $(WEB_E2E_ENV) SCREENSHOTS=$(CURDIR)/docs/screenshots node --test tests/images.test.mjs

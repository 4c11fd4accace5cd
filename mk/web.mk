# Web: the PHP site (web/). Lint, PHPUnit, browser tests in headless Chromium
# driven by playwright-core with axe-core, screenshots and the page benchmark.
WEB_PHP_FILES = $(shell find web/public web/src web/templates web/tests -name '*.php' | sort)
WEB_E2E_ENV = CATALOGCTL=$(BIN)/catalogctl CHROMIUM=$$(command -v chromium)

TEST_TARGETS += test-web
BENCH_TARGETS += bench-web

.PHONY: php-cli web-tools browser-tools lint-web phpunit-web e2e-web test-web screenshots bench-web

php-cli: ## install PHP CLI (apt-get) when absent
	@scripts/install-php.sh cli

web-tools:
	@scripts/install-php.sh test

browser-tools:
	@scripts/install-browser.sh

lint-web: web-tools ## php -l on every PHP file, PSR-12 on the classes
	@for f in $(WEB_PHP_FILES); do php -l "$$f" >/dev/null || { php -l "$$f"; exit 1; }; done
	@echo "php -l: $(words $(WEB_PHP_FILES)) files OK"
	phpcs -n --standard=PSR12 --extensions=php web/src web/public web/tests
	@if grep -L 'declare(strict_types=1)' $$(find web/src web/public web/tests -name '*.php' -not -path '*/lang/*') | grep .; then \
		echo "the files above lack declare(strict_types=1)"; exit 1; fi

phpunit-web: web-tools ## PHPUnit suite of the site (fixture API on loopback)
	cd web && phpunit -c phpunit.xml

e2e-web: build php-cli browser-tools ## browser suite against catalogctl serve --demo
	cd web/e2e && $(WEB_E2E_ENV) node --test --test-concurrency=1 tests/

test-web: lint-web phpunit-web e2e-web ## every check of the PHP site

screenshots: build php-cli browser-tools ## desktop and phone screenshots into docs/screenshots/
	cd web/e2e && $(WEB_E2E_ENV) node screenshots.mjs $(CURDIR)/docs/screenshots

bench-web: build php-cli browser-tools ## server render time and page weight into docs/bench/web.md
	@mkdir -p docs/bench
	cd web/e2e && $(WEB_E2E_ENV) node bench.mjs $(CURDIR)/docs/bench/web.md

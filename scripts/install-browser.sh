#!/usr/bin/env bash
# Installs the browser test tools only when absent: Debian's chromium (the
# browser playwright-core drives; `npx playwright install` cannot download
# here) and the npm packages of web/e2e (playwright-core, axe-core) with
# `npm ci` from the committed lock file. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-browser.sh: chromium missing and not root: apt-get install chromium" >&2
    exit 1
  fi
  echo "install-browser.sh: apt-get install chromium" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-dejavu-core >/dev/null
fi
command -v node >/dev/null && command -v npm >/dev/null || {
  echo "install-browser.sh: node and npm are required (apt-get install nodejs npm)" >&2
  exit 1
}
lock=web/e2e/package-lock.json
stamp=web/e2e/node_modules/.installed-lock.json
if [ ! -f "$stamp" ] || ! cmp -s "$lock" "$stamp"; then
  echo "install-browser.sh: npm ci in web/e2e" >&2
  (cd web/e2e && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
fi

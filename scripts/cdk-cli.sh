#!/usr/bin/env bash
# Installs the AWS CDK CLI pinned by the root package.json/package-lock.json
# (npm ci into ./node_modules, ignored by git) so that `npx cdk ...` works in
# the repository, idempotently, and prints the path of the cdk binary.
# Installs node and npm with apt-get when the machine has none.
#
#   scripts/cdk-cli.sh       install if needed, print the binary's path
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/node_modules/.bin/cdk"
lock_sum="$(sha256sum "$root/package-lock.json" | cut -c1-16)"
stamp="$root/node_modules/.installed-$lock_sum"

if [ -x "$bin" ] && [ -e "$stamp" ] && [ -e "$root/node_modules/go.mod" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "cdk-cli.sh: node/npm not found; installing nodejs and npm with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq nodejs npm >&2
fi
echo "cdk-cli.sh: npm ci (aws-cdk CLI) in $root" >&2
(cd "$root" && npm ci --no-audit --no-fund --loglevel=error >&2)
if [ ! -x "$bin" ]; then
  echo "cdk-cli.sh: $bin missing after npm ci" >&2
  exit 1
fi
# The CLI ships Go init templates; a go.mod of their own keeps them out of
# this module's ./... (go build, go vet, golangci-lint).
printf 'module node_modules\n' > "$root/node_modules/go.mod"
touch "$stamp"
echo "$bin"

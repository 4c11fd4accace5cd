#!/usr/bin/env bash
# Installs the AWS CDK CLI pinned by scripts/cdk-cli/package.json and its
# package-lock.json into .cache/cdk-cli (npm ci there; .cache is ignored by
# git and skipped by the Go tool, so `go vet ./...` never sees the CLI's Go
# init templates), idempotently, and prints the path of the cdk binary.
# Installs node and npm with apt-get when the machine has none.
#
#   scripts/cdk-cli.sh       install if needed, print the binary's path
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
manifests="$root/scripts/cdk-cli"
dir="$root/.cache/cdk-cli"
bin="$dir/node_modules/.bin/cdk"
lock_sum="$(sha256sum "$manifests/package-lock.json" | cut -c1-16)"
stamp="$dir/node_modules/.installed-$lock_sum"

if [ -x "$bin" ] && [ -e "$stamp" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "cdk-cli.sh: node/npm not found; installing nodejs and npm with apt-get" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=600 install -y -qq nodejs npm >&2
fi
echo "cdk-cli.sh: npm ci (aws-cdk CLI) in $dir" >&2
mkdir -p "$dir"
cp "$manifests/package.json" "$manifests/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
if [ ! -x "$bin" ]; then
  echo "cdk-cli.sh: $bin missing after npm ci" >&2
  exit 1
fi
touch "$stamp"
echo "$bin"

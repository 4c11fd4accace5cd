#!/usr/bin/env bash
# Installs the AWS CDK CLI (npm package aws-cdk, pinned) into .cache/node,
# idempotently, and prints the path of its cdk binary. Installs node and npm
# with apt-get when the machine has none.
#
#   scripts/cdk-cli.sh       install if needed, print the binary's path
set -euo pipefail
CDK_CLI_VERSION="2.1148.1"
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.cache/node"
bin="$prefix/node_modules/.bin/cdk"
stamp="$prefix/.installed-aws-cdk-$CDK_CLI_VERSION"

if [ -x "$bin" ] && [ -e "$stamp" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "cdk-cli.sh: node/npm not found; installing nodejs and npm with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq nodejs npm >&2
fi
echo "cdk-cli.sh: installing aws-cdk@$CDK_CLI_VERSION into $prefix" >&2
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "aws-cdk@$CDK_CLI_VERSION" >&2
if [ ! -x "$bin" ]; then
  echo "cdk-cli.sh: $bin missing after install" >&2
  exit 1
fi
touch "$stamp"
echo "$bin"

#!/usr/bin/env bash
# Installs moto_server (PyPI package moto[server], pinned) into a virtual
# environment under .cache/moto, idempotently, and prints the path of the
# moto_server binary. moto_server serves DynamoDB, DynamoDB Streams, S3 and
# SQS on one port; the Go helper internal/awstest starts it on loopback.
#
#   scripts/moto.sh          install if needed, print the binary's path
set -euo pipefail
MOTO_VERSION="5.2.5"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.cache/moto"
bin="$venv/bin/moto_server"
stamp="$venv/.installed-$MOTO_VERSION"

if [ -x "$bin" ] && [ -e "$stamp" ]; then
  echo "$bin"
  exit 0
fi

py="$(command -v python3 || true)"
if [ -z "$py" ]; then
  echo "moto.sh: python3 not found; installing it with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3 python3-venv >&2
  py="$(command -v python3)"
fi
if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
  echo "moto.sh: the python3 venv module is missing; installing python3-venv with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
fi

echo "moto.sh: installing moto[server]==$MOTO_VERSION into $venv" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
if [ ! -x "$bin" ]; then
  echo "moto.sh: moto_server missing after install" >&2
  exit 1
fi
touch "$stamp"
echo "$bin"

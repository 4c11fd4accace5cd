#!/usr/bin/env bash
# Installs the infrastructure linters cfn-lint and checkov (PyPI, pinned) into
# one virtual environment under .cache/pytools, idempotently, and prints the
# venv's bin folder. Used by scripts/cdk-check.sh (make test-cdk).
#
#   scripts/pytools.sh       install if needed, print the bin folder
set -euo pipefail
CFNLINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.cache/pytools"
stamp="$venv/.installed-cfnlint-$CFNLINT_VERSION-checkov-$CHECKOV_VERSION"

if [ -x "$venv/bin/cfn-lint" ] && [ -x "$venv/bin/checkov" ] && [ -e "$stamp" ]; then
  echo "$venv/bin"
  exit 0
fi

py="$(command -v python3 || true)"
if [ -z "$py" ]; then
  echo "pytools.sh: python3 not found; installing it with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3 python3-venv >&2
  py="$(command -v python3)"
fi
if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
  echo "pytools.sh: the python3 venv module is missing; installing python3-venv with apt-get" >&2
  apt-get update -qq >&2 && apt-get install -y -qq python3-venv >&2
fi

echo "pytools.sh: installing cfn-lint==$CFNLINT_VERSION checkov==$CHECKOV_VERSION into $venv" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check \
  "cfn-lint==$CFNLINT_VERSION" "checkov==$CHECKOV_VERSION" >&2
for tool in cfn-lint checkov; do
  if [ ! -x "$venv/bin/$tool" ]; then
    echo "pytools.sh: $tool missing after install" >&2
    exit 1
  fi
done
touch "$stamp"
echo "$venv/bin"

#!/usr/bin/env bash
# Installs the infrastructure linters cfn-lint and checkov (PyPI, pinned) into
# one virtual environment under .cache/pytools, idempotently, and prints the
# venv's bin folder. Used by scripts/cdk-check.sh (make test-cdk).
#
#   scripts/pytools.sh       install if needed, print the bin folder
set -euo pipefail
CFNLINT_VERSION="1.58.0"
CHECKOV_VERSION="3.3.30"
exec "$(dirname "$0")/venv.sh" pytools "cfn-lint==$CFNLINT_VERSION" "checkov==$CHECKOV_VERSION" -- cfn-lint checkov

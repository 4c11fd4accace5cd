#!/usr/bin/env bash
# Builds the AWS Lambda Runtime Interface Emulator from its Go module
# (pinned) into .cache/bin, idempotently, and prints the binary's path. The
# end-to-end tests run the Lambdas' bootstrap binaries under it.
#
#   scripts/rie.sh          install if needed, print the binary's path
set -euo pipefail
RIE_MODULE="github.com/aws/aws-lambda-runtime-interface-emulator"
RIE_VERSION="v0.0.0-20261030222936-bef5c4ba774d"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.cache/bin/aws-lambda-rie"
stamp="$root/.cache/bin/.aws-lambda-rie-$RIE_VERSION"

if [ -x "$bin" ] && [ -e "$stamp" ]; then
  echo "$bin"
  exit 0
fi
command -v go >/dev/null || { echo "rie.sh: go is not on PATH" >&2; exit 1; }
echo "rie.sh: building $RIE_MODULE@$RIE_VERSION into $root/.cache/bin" >&2
mkdir -p "$root/.cache/bin"
# Outside the project's module, so that its go.mod is left alone.
(cd "$root/.cache" && GOBIN="$root/.cache/bin" GOFLAGS=-buildvcs=false \
  go install "$RIE_MODULE/cmd/aws-lambda-rie@$RIE_VERSION" >&2)
rm -f "$root"/.cache/bin/.aws-lambda-rie-*
touch "$stamp"
echo "$bin"

#!/usr/bin/env bash
# Shows what the working tree changes in each stage's CloudFormation
# templates, against a git ref (default: main): synthesizes every stage of
# both with the pinned CDK CLI, then prints, per stage, the stacks,
# resources, outputs and property paths added, removed or changed
# (cmd/templatediff; asset hashes of rebuilt Lambdas are not changes).
#
#   scripts/cdk-template-diff.sh [REF [stage...]]     default: main dev staging prod
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
ref="${1:-main}"
shift || true
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(dev staging prod)

cdk="$(scripts/cdk-cli.sh)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 CDK_DISABLE_VERSION_CHECK=1
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# Templates only: the site's bundling gets a stub Composer, as in cdk-check.sh.
export PATH="$root/stacks/testdata/composer:$PATH"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/base"
git archive "$ref" | tar -x -C "$tmp/base"

synth() { # dir stage out
  (cd "$1" && "$cdk" synth -c "env=$2" --output "$3" --quiet --ci --no-notices >"$3.log" 2>&1) ||
    { cat "$3.log" >&2; echo "cdk-template-diff.sh: cdk synth -c env=$2 failed in $1" >&2; exit 1; }
}
for stage in "${stages[@]}"; do
  synth "$tmp/base" "$stage" "$tmp/old-$stage"
  synth "$root" "$stage" "$tmp/new-$stage"
  echo "== $stage: $ref -> working tree"
  go run ./cmd/templatediff "$tmp/old-$stage" "$tmp/new-$stage"
done

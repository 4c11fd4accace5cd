#!/usr/bin/env bash
# Synthesizes every stage with the CDK CLI (`cdk synth -c env=<stage>`, the
# command DevOps run) into cdk.out/<stage>, then lints every template:
#   - cfn-lint: zero errors and zero warnings, except W3005 (see below);
#   - checkov: zero failed checks; checks that do not apply are skipped per
#     resource in the template metadata, each with its written reason
#     (stacks/checkov.go).
# cdk-nag runs inside the synth (stacks/nag.go): an unsuppressed finding is an
# error or warning annotation, and `cdk synth --strict` fails on either.
#
#   scripts/cdk-check.sh [stage...]     default: dev staging prod
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(dev staging prod)

cdk="$(scripts/cdk-cli.sh)"
py="$(scripts/pytools.sh)"
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1
export CDK_DISABLE_VERSION_CHECK=1
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
# The site's bundling runs `composer install` (stacks/sitebundle.go). The
# checks read templates only and run where Composer's registry may be out of
# reach: a stub Composer writes a placeholder vendor folder. Never deploy
# what this script synthesizes.
export PATH="$root/stacks/testdata/composer:$PATH"

# W3005 flags a DependsOn that a Ref/GetAtt already implies. The CDK writes
# those DependsOn itself (roles before functions, queue policies before
# notifications); they are harmless and not ours to remove.
CFNLINT_IGNORE="W3005"

fail=0
for stage in "${stages[@]}"; do
  out="cdk.out/$stage"
  rm -rf "$out"
  mkdir -p cdk.out
  echo "== cdk synth -c env=$stage"
  start=$(date +%s)
  if ! "$cdk" synth -c "env=$stage" --output "$out" --strict --quiet --ci --no-notices >"$out.log" 2>&1; then
    cat "$out.log" >&2
    echo "cdk synth failed for stage $stage" >&2
    exit 1
  fi
  templates=("$out"/*.template.json)
  echo "   ${#templates[@]} templates in $(( $(date +%s) - start ))s"
  bundles=$(find "$out" -maxdepth 2 -name bootstrap | wc -l)
  echo "   $bundles Go bootstrap bundles"
  if [ "$bundles" -ne 6 ]; then
    echo "want 6 bundled Go Lambdas (ingest, indexer, reindex, images, api, analytics) in $out, found $bundles" >&2
    exit 1
  fi

  echo "== cfn-lint ($stage)"
  if ! "$py/cfn-lint" --ignore-checks "$CFNLINT_IGNORE" --non-zero-exit-code warning -- "${templates[@]}"; then
    echo "cfn-lint found problems in stage $stage" >&2
    fail=1
  fi

  echo "== checkov ($stage)"
  ck="$(mktemp -d)"
  cp "${templates[@]}" "$ck/"
  if ! "$py/checkov" --directory "$ck" --framework cloudformation --quiet --compact --skip-download >"$out.checkov.txt" 2>&1; then
    cat "$out.checkov.txt"
    echo "checkov found failed checks in stage $stage" >&2
    fail=1
  else
    grep -E "^(Passed|cloudformation scan)|Passed checks" "$out.checkov.txt" || true
  fi
  rm -rf "$ck"
done
[ "$fail" -eq 0 ] || exit 1
echo "cdk-check: ${stages[*]}: synth, cdk-nag, cfn-lint and checkov clean"

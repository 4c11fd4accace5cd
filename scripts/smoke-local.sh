#!/usr/bin/env bash
# Runs `catalogctl smoke` against the local stack as `make run` starts it
# (catalogctl serve with the demo data and the PHP site), on a free port
# and a scratch data folder, with a key of partner "smoke": the same
# command DevOps runs after every deploy (docs/deploy.md). Stops the stack
# it started, whatever the outcome.
#
#   scripts/smoke-local.sh BIN     BIN: the catalogctl binary
set -euo pipefail
bin="${1:?usage: smoke-local.sh CATALOGCTL}"
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$(mktemp -d)"
out="$data.serve.out"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data" "$out"
}
trap cleanup EXIT
(cd "$root" && exec "$bin" serve --data "$data" --addr 127.0.0.1:0 --demo) >"$out" 2>"$out.err" &
pid=$!
url=""
for _ in $(seq 1 600); do
  url="$(grep -o 'running at http://127\.0\.0\.1:[0-9]*' "$out" | head -1 | sed 's/^running at //' || true)"
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$out.err" >&2; echo "smoke-local.sh: catalogctl serve exited" >&2; exit 1; fi
  sleep 0.2
done
[ -n "$url" ] || { cat "$out.err" >&2; echo "smoke-local.sh: catalogctl serve did not start" >&2; exit 1; }
key="$("$bin" partner-key --data "$data" --partner smoke 2>/dev/null)"
echo "smoke-local.sh: local stack at $url"
"$bin" smoke --url "$url" --key "$key" --timeout 60s

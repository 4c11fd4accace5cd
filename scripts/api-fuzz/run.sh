#!/usr/bin/env bash
# Property-based API fuzzing (make test-api-fuzz): schemathesis generates
# requests from internal/api/openapi.json, inside and outside the schema,
# and sends them to the local stack (catalogctl serve --no-site on a free
# port and a scratch data folder holding small generated catalogs of
# partner "fuzz"). Every operation is run twice: with that partner's API key
# and without one. It fails on any 5xx, a response outside its schema, an
# undocumented status or content type, a request outside the schema that is
# accepted or one inside it that is refused, and a wrong-method answer that
# is not 405 with Allow. The run is deterministic (derandomised generation,
# no example database, one worker) and bounded: a fixed number of examples
# per operation and phase, and a hard time cap per pass (past it the pass
# fails). hooks.py drops generated searches that break a constraint between
# parameters the document states in words; config.py makes half the
# generated catalog and product ids real ones. Stops the stack it started,
# whatever the outcome.
#
#   scripts/api-fuzz/run.sh CATALOGCTL SCHEMATHESIS
set -euo pipefail
bin="${1:?usage: api-fuzz CATALOGCTL SCHEMATHESIS}"
st="${2:?usage: api-fuzz CATALOGCTL SCHEMATHESIS}"
# Examples per operation and phase, and the hard cap of one pass (seconds).
examples="${API_FUZZ_EXAMPLES:-50}"
cap="${API_FUZZ_CAP:-115}"
for tool in "$bin" "$st"; do
  if [ ! -x "$tool" ]; then echo "api-fuzz: $tool is missing (make test-api-fuzz installs it)" >&2; exit 1; fi
done
bin="$(realpath "$bin")"
st="$(realpath "$st")"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
spec="$root/internal/api/openapi.json"
work="$(mktemp -d)"
data="$work/data"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Small catalogs of partner "fuzz", ingested before the stack starts: one
# with a few defective rows (rejected rows, products to fix), one clean
# (partial), one full file that would remove most products (held for
# confirmation, with its removals). Their ids and a few product ids go to
# the config as dictionaries, so that half the generated ids are real ones
# and the answers about real catalogs and products are checked too.
"$bin" gen --rows 60 --headers canonical --defects 0.1 --seed 7 -o "$work/fuzz.csv" 2>/dev/null
"$bin" gen --rows 20 --headers canonical --seed 8 -o "$work/clean.csv" 2>/dev/null
"$bin" gen --rows 5 --headers canonical --seed 9 -o "$work/held.csv" 2>/dev/null
{
  "$bin" ingest --data "$data" --partner fuzz --json "$work/fuzz.csv"
  "$bin" ingest --data "$data" --partner fuzz --mode partial --json "$work/clean.csv"
  "$bin" ingest --data "$data" --partner fuzz --mode full --json "$work/held.csv"
} >"$work/catalogs.json"
"$bin" search --data "$data" --json --limit 5 >"$work/products.json"
"$(dirname "$st")/python" "$here/config.py" "$work/catalogs.json" "$work/products.json" >"$work/schemathesis.toml"
key="$("$bin" partner-key --data "$data" --partner fuzz 2>/dev/null)"

(cd "$root" && exec "$bin" serve --data "$data" --addr 127.0.0.1:0 --no-site) >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(grep -o 'running at http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1 | sed 's/^running at //' || true)"
  [ -n "$url" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/serve.err" >&2; echo "api-fuzz: catalogctl serve exited" >&2; exit 1; fi
  sleep 0.2
done
[ -n "$url" ] || { cat "$work/serve.err" >&2; echo "api-fuzz: catalogctl serve did not start" >&2; exit 1; }
echo "api-fuzz: local stack at $url, $examples examples per operation and phase, ${cap}s cap per pass"

# use_after_free and ensure_resource_availability need stateful links
# (none in the document); the others all apply.
args=(run "$spec" --url "$url/api"
  --phases examples,coverage,fuzzing --mode all
  --checks all --exclude-checks use_after_free,ensure_resource_availability
  --max-examples "$examples" --generation-deterministic
  --continue-on-failure --workers 1 --request-timeout 10
  --suppress-health-check all --no-color --output-truncate true)
status=0
for pass in with-key without-key; do
  extra=()
  [ "$pass" = with-key ] && extra=(-H "X-Api-Key: $key")
  echo "api-fuzz: pass $pass"
  start=$SECONDS
  rc=0
  # From the scratch folder: schemathesis writes its state where it runs.
  (cd "$work" && SCHEMATHESIS_HOOKS="$here/hooks.py" timeout --kill-after=10 "$cap" "$st" --config-file "$work/schemathesis.toml" "${args[@]}" "${extra[@]}") || rc=$?
  if [ "$rc" -ne 0 ]; then
    [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "api-fuzz: pass $pass went past its ${cap}s cap" >&2
    status=1
  fi
  echo "api-fuzz: pass $pass took $((SECONDS - start))s"
done
if [ "$status" -ne 0 ]; then
  echo "api-fuzz: the API and internal/api/openapi.json disagree (see above)" >&2
fi
exit "$status"

#!/usr/bin/env bash
# A real single-node OpenSearch on loopback for the search tests and
# benchmarks: the integ-test-zip distribution (no security plugin), fetched
# once from Maven Central with mvn into .cache/opensearch, run on the
# machine's Java 17 with a small heap.
#
#   scripts/opensearch.sh download    fetch and unpack (idempotent)
#   scripts/opensearch.sh start       start a node on a free port; prints its URL
#   scripts/opensearch.sh stop [URL]  stop the nodes this process group started
#                                     (a make run), or the node at URL
#
# Environment: OPENSEARCH_VERSION (default below, the newest 2.19.x found),
# OPENSEARCH_HEAP (default 512m), CACHE (default ./.cache).
set -euo pipefail

VERSION="${OPENSEARCH_VERSION:-2.19.6}"
HEAP="${OPENSEARCH_HEAP:-512m}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${CACHE:-$ROOT/.cache}"
DIR="$CACHE/opensearch"
HOME_DIR="$DIR/opensearch-$VERSION"
ARTIFACT="org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip"
RUN_USER="catalogsearch-os" # OpenSearch refuses to run as root

die() { echo "opensearch.sh: $*" >&2; exit 1; }

# fetch GROUP:ARTIFACT:VERSION:TYPE into the local Maven repository and
# print the path of the file.
fetch() {
  local coords="$1" g a v t
  IFS=: read -r g a v t <<<"$coords"
  echo "fetching $coords with mvn" >&2
  mvn -B -q dependency:get -Dartifact="$coords" -Dtransitive=false >&2 ||
    die "mvn could not fetch $coords; set OPENSEARCH_URL to use another node"
  local repo
  repo="$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null | tr -d '\r' || true)"
  [ -d "$repo" ] || repo="$HOME/.m2/repository"
  echo "$repo/${g//.//}/$a/$v/$a-$v.$t"
}

# The integ-test-zip distribution carries no analysis module; the analyzers
# the index needs (asciifolding, elision, synonym, stemmer) are the
# analysis-common module, published on Maven Central as a jar: install it as
# a module, with the descriptor OpenSearch reads.
install_analysis_common() {
  local mod="$HOME_DIR/modules/analysis-common"
  [ -f "$mod/plugin-descriptor.properties" ] && return 0
  local jar
  jar="$(fetch "org.opensearch.plugin:analysis-common:$VERSION:jar")"
  rm -rf "$mod.tmp" && mkdir -p "$mod.tmp"
  cp "$jar" "$mod.tmp/"
  printf '%s\n' \
    'description=Adds "built in" analyzers to OpenSearch.' \
    "version=$VERSION" \
    'name=analysis-common' \
    'classname=org.opensearch.analysis.common.CommonAnalysisPlugin' \
    'java.version=11' \
    "opensearch.version=$VERSION" \
    'extended.plugins=' \
    'has.native.controller=false' > "$mod.tmp/plugin-descriptor.properties"
  rm -rf "$mod" && mv "$mod.tmp" "$mod"
}

download() {
  if [ -x "$HOME_DIR/bin/opensearch" ]; then
    install_analysis_common
    return 0
  fi
  command -v java >/dev/null || die "java (17) is required: apt-get install openjdk-17-jre-headless"
  command -v unzip >/dev/null || { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq unzip >/dev/null; } || die "unzip is required"
  if ! command -v mvn >/dev/null; then
    echo "installing maven (apt) to fetch OpenSearch" >&2
    { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq maven >/dev/null; } || die "mvn is required: apt-get install maven"
  fi
  mkdir -p "$DIR"
  local zip="$DIR/opensearch-$VERSION.zip"
  if [ ! -s "$zip" ]; then
    cp "$(fetch "$ARTIFACT")" "$zip.tmp"
    mv "$zip.tmp" "$zip"
  fi
  rm -rf "$HOME_DIR.tmp" && mkdir -p "$HOME_DIR.tmp"
  unzip -q "$zip" -d "$HOME_DIR.tmp"
  rm -rf "$HOME_DIR" && mv "$HOME_DIR.tmp/opensearch-$VERSION" "$HOME_DIR" && rm -rf "$HOME_DIR.tmp"
  [ -x "$HOME_DIR/bin/opensearch" ] || die "unpacked $zip has no bin/opensearch"
  install_analysis_common
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# Each node has its own folder .cache/opensearch/runs/PORT (pid, url, data,
# logs) and belongs to the process group that started it, so that several
# test commands can run nodes at once: a bare "stop" stops only the nodes of
# the caller's process group (a make run and its recipes), "stop URL" that
# node.
RUNS="$DIR/runs"

my_group() { ps -o pgid= -p $$ | tr -d ' '; }

start() {
  download
  mkdir -p "$RUNS"
  # Forget nodes that are gone.
  for d in "$RUNS"/*/; do
    [ -f "$d/pid" ] && kill -0 "$(cat "$d/pid")" 2>/dev/null && continue
    rm -rf "$d"
  done
  local port tport java_home run
  port="$(free_port)"
  tport="$(free_port)"
  run="$RUNS/$port"
  rm -rf "$run" && mkdir -p "$run/data" "$run/logs"
  my_group > "$run/owner"
  java_home="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
  local cmd=(env "OPENSEARCH_JAVA_HOME=$java_home" "OPENSEARCH_JAVA_OPTS=-Xms$HEAP -Xmx$HEAP"
    "$HOME_DIR/bin/opensearch" -q
    -Enetwork.host=127.0.0.1 -Ehttp.port="$port" -Etransport.port="$tport"
    -Ediscovery.type=single-node -Epath.data="$run/data" -Epath.logs="$run/logs"
    -Ecluster.routing.allocation.disk.threshold_enabled=false
    -Eaction.auto_create_index=false)
  if [ "$(id -u)" = 0 ]; then
    id "$RUN_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
    chown -R "$RUN_USER" "$HOME_DIR" "$run"
    # Every folder above the install must be traversable by that user.
    local d="$HOME_DIR"
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d="$(dirname "$d")"; done
    cmd=(runuser -u "$RUN_USER" -- "${cmd[@]}")
  fi
  setsid "${cmd[@]}" >"$run/stdout.log" 2>&1 < /dev/null &
  echo $! > "$run/pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 180); do
    if curl -fsS "$url/_cluster/health?wait_for_status=yellow&timeout=1s" >/dev/null 2>&1; then
      echo "$url" > "$run/url"
      echo "$url"
      return 0
    fi
    kill -0 "$(cat "$run/pid")" 2>/dev/null || { tail -30 "$run/stdout.log" >&2; stop_run "$run"; die "OpenSearch exited during start"; }
    sleep 1
  done
  tail -30 "$run/stdout.log" >&2
  stop_run "$run"
  die "OpenSearch did not become healthy in 180 s"
}

# stop_run stops the node of one run folder and removes the folder.
stop_run() {
  local run="$1" pid
  if [ -f "$run/pid" ]; then
    pid="$(cat "$run/pid")"
    # The node runs in its own session (setsid): end that process group.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    echo "stopped OpenSearch $(cat "$run/url" 2>/dev/null)" >&2
  fi
  rm -rf "$run"
}

stop() {
  local url="${1:-}" group d
  group="$(my_group)"
  [ -d "$RUNS" ] || return 0
  for d in "$RUNS"/*/; do
    [ -d "$d" ] || continue
    if [ -n "$url" ]; then
      [ "$(cat "$d/url" 2>/dev/null)" = "$url" ] && stop_run "${d%/}"
    elif [ "$(cat "$d/owner" 2>/dev/null)" = "$group" ]; then
      stop_run "${d%/}"
    fi
  done
  return 0
}

case "${1:-}" in
  download) download ;;
  start) start ;;
  stop) stop "${2:-}" ;;
  *) die "usage: $0 download | start | stop [URL]" ;;
esac

#!/usr/bin/env bash
# Joins docs/bench/*.md (one section per room, written by its bench target)
# into one page, headed by the machine the figures were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# Benchmarks"
echo
echo "Joined by \`make bench\` on $(date -u +%Y-%m-%d) from the sections its targets write to docs/bench/;"
echo "each section names the command that reproduces it and the load it ran under. Targets are"
echo "checked as ratios against a baseline measured in the same run, since these machines are noisy."
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM,"
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(go version | cut -d' ' -f3-)."
for f in docs/bench/*.md; do
  [ -e "$f" ] || continue
  echo
  cat "$f"
done

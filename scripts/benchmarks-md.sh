#!/usr/bin/env bash
# Joins docs/bench/*.md (one section per room, written by its bench target)
# into one page, headed by the machine the figures were measured on.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# Benchmarks"
echo
echo "Written by \`make bench\` on $(date -u +%Y-%m-%d). Figures are from one run on one machine;"
echo "targets are checked as ratios against a baseline measured in the same run."
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM,"
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(go version | cut -d' ' -f3-)."
for f in docs/bench/*.md; do
  [ -e "$f" ] || continue
  echo
  cat "$f"
done

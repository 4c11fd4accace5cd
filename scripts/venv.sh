#!/usr/bin/env bash
# Installs pinned PyPI packages into a virtual environment .cache/NAME,
# idempotently, checks that the named tools are there, and prints the venv's
# bin folder. Installs python3 and its venv module with apt-get when absent.
#
#   scripts/venv.sh NAME PACKAGE==VERSION... -- TOOL...
set -euo pipefail
name="$1"; shift
pkgs=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do pkgs+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
tools=("$@")
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.cache/$name"
stamp="$venv/.installed-$(printf '%s\n' "${pkgs[@]}" | sha256sum | cut -c1-16)"

ready() {
  [ -e "$stamp" ] || return 1
  for tool in "${tools[@]}"; do [ -x "$venv/bin/$tool" ] || return 1; done
}
if ready; then
  echo "$venv/bin"
  exit 0
fi

py="$(command -v python3 || true)"
if [ -z "$py" ]; then
  echo "venv.sh: python3 not found; installing it with apt-get" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3 python3-venv >&2
  py="$(command -v python3)"
fi
if ! "$py" -m venv --help >/dev/null 2>&1 || ! "$py" -c 'import ensurepip' >/dev/null 2>&1; then
  echo "venv.sh: the python3 venv module is missing; installing python3-venv with apt-get" >&2
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 && apt-get -o DPkg::Lock::Timeout=600 install -y -qq python3-venv >&2
fi

echo "venv.sh: installing ${pkgs[*]} into $venv" >&2
rm -rf "$venv"
"$py" -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --disable-pip-version-check "${pkgs[@]}" >&2
touch "$stamp"
if ! ready; then
  echo "venv.sh: ${tools[*]} missing after installing ${pkgs[*]}" >&2
  exit 1
fi
echo "$venv/bin"

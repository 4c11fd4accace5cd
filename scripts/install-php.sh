#!/usr/bin/env bash
# Installs what the PHP site needs from Debian packages, only when absent:
#   install-php.sh cli      php-cli (PHP 8.2+; the site uses only core extensions)
#   install-php.sh test     + phpunit, php-xml (DOM for the page tests), php-codesniffer (PSR-12)
# Safe to run twice: it checks before it installs, and runs apt-get update at
# most once per call.
set -euo pipefail
want=${1:-cli}
updated=0
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    echo "install-php.sh: $* missing and not root: run as root or install: apt-get install $*" >&2
    exit 1
  fi
  if [ "$updated" = 0 ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
    updated=1
  fi
  echo "install-php.sh: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "$@" >/dev/null
}
pkgs=()
command -v php >/dev/null || pkgs+=(php-cli)
if [ "$want" = test ]; then
  command -v phpunit >/dev/null || pkgs+=(phpunit)
  command -v phpcs >/dev/null || pkgs+=(php-codesniffer)
  php -r 'exit(extension_loaded("dom") ? 0 : 1);' 2>/dev/null || pkgs+=(php-xml)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  apt_install "${pkgs[@]}"
fi
php -r 'exit(PHP_VERSION_ID >= 80200 ? 0 : 1);' || {
  echo "install-php.sh: PHP 8.2 or newer is required, found $(php -r 'echo PHP_VERSION;')" >&2
  exit 1
}

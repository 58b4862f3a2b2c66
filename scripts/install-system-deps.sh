#!/usr/bin/env bash
# Debian packages finarchive needs: tesseract with Russian and English, fonts for the samples,
# PostgreSQL for the test suite's PostgreSQL variant. Skips apt when everything is already there.
set -euo pipefail

PACKAGES=(tesseract-ocr tesseract-ocr-rus tesseract-ocr-eng fonts-dejavu-core fonts-liberation postgresql
          python3-venv)
if [ "${FINARCHIVE_TEST_EXTRAS:-1}" = "1" ]; then
  PACKAGES+=(dovecot-imapd redis-server chromium)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Packaged services (postgresql, dovecot, redis) must not be started by the install: the tests start their own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

#!/usr/bin/env bash
# Installs everything lkj-bot needs on a fresh Debian/Ubuntu machine:
# the system libraries WeasyPrint renders with (Pango, HarfBuzz), fonts that cover
# Indonesian text (DejaVu), a colour emoji font (Noto Color Emoji: WeasyPrint draws its
# bitmap glyphs for emoji typed into notes), poppler-utils for PNG previews, then a
# virtual environment in .venv with the project. Safe to run again. With --test, also the
# test extra (with psycopg), Debian's chromium for the Mini App's browser tests and Debian's
# postgresql for the tests of the PostgreSQL backend.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  fonts-noto-color-emoji poppler-utils)
# --test: also Debian's Chromium, which the Mini App's browser tests drive (never a
# downloaded browser), and Debian's PostgreSQL server, which the tests start as a throw-away
# cluster of their own (tests/pg_cluster.py); the demo needs neither.
if [ "${1:-}" = "--test" ]; then
  PACKAGES+=(chromium postgresql)
fi
missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
# The demo needs the project alone; the tests also need the test extra (pytest, pypdf,
# Playwright driving Debian's chromium, ruff, mypy).
if [ "${1:-}" = "--test" ]; then
  .venv/bin/python -m pip install -q -e '.[test]'
else
  .venv/bin/python -m pip install -q -e .
fi
echo "lkj-bot installed in .venv"

#!/usr/bin/env bash
# Installs what Pomoc needs on a Debian machine and keeps it installed:
#   - Debian packages (PostgreSQL + PostGIS, gettext, and for the tests Chromium and Redis),
#   - a virtualenv in .venv/ built from pyproject.toml, rebuilt only when pyproject.toml changes.
# Safe to run again: every step checks first, so a second run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${POMOC_PG_MAJOR:-15}"
APT_PACKAGES=("postgresql-${PG_MAJOR}-postgis-3" "gettext" "python3-venv")
if [[ "${POMOC_WITH_BROWSER:-0}" == "1" ]]; then
  APT_PACKAGES+=("chromium" "chromium-driver")
fi
# The private Redis (scripts/redis.sh): for the tests of scale-out, or a run that asks for it.
if [[ "${POMOC_WITH_BROWSER:-0}" == "1" || "${POMOC_WITH_REDIS:-0}" == "1" ]]; then
  APT_PACKAGES+=("redis-server")
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PYTHON="${POMOC_PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
if [[ -z "$PYTHON" ]]; then
  echo "bootstrap: Python 3.11 is required (Debian 12 ships it as python3)." >&2
  exit 1
fi

stamp=".venv/.pomoc-installed"
if [[ ! -x .venv/bin/python ]]; then
  echo "bootstrap: creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
if [[ ! -f "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  echo "bootstrap: installing Python dependencies into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi

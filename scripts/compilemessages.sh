#!/usr/bin/env bash
# Compile the translation catalogues (.po -> .mo); the .mo files are build output, not committed.
set -euo pipefail
cd "$(dirname "$0")/.."
# Compiling needs no secrets: development settings unless the caller chose otherwise.
export POMOC_ENV="${POMOC_ENV:-development}"
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
  .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=var -v 0
fi

#!/usr/bin/env bash
# The production web server alone: gunicorn with gunicorn.conf.py (POMOC_BIND, POMOC_WEB_WORKERS,
# ...). It expects a migrated database and collected static files (scripts/run.sh does both);
# a load test or a process manager (systemd, a container) calls this script. It replaces itself
# with gunicorn, so a signal to this process reaches gunicorn's master directly.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/gunicorn -c gunicorn.conf.py pomoc.wsgi:application "$@"

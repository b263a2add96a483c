#!/usr/bin/env bash
# `make test`: the same bootstrap as `make run`, then lint, migrations check and the whole test
# suite against the private PostGIS (pytest-django creates a separate test database).
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings default to production (secret key required, DEBUG off); this is a developer's run.
export POMOC_ENV=development

POMOC_WITH_BROWSER=1 scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
cleanup() { if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi; }
trap cleanup EXIT
scripts/createdb.sh

PY=.venv/bin/python
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== translations"
scripts/compilemessages.sh
echo "== migrations"
$PY manage.py makemigrations --check --dry-run
echo "== tests"
$PY -m pytest "$@"

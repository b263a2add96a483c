#!/usr/bin/env bash
# `make load`: the load test (bench/load/run.py) against the private PostGIS, in its own database
# (pomoc_load); writes bench/results/load.json and the README's table.
#   LOAD_USERS (200), LOAD_DURATION (120 s), LOAD_SIZE (100 000 offers and as many needs),
#   LOAD_WORKERS (gunicorn workers, production's default: see gunicorn.conf.py).
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings default to production (secret key required); the run turns DEBUG off itself.
export POMOC_ENV=development

scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
cleanup() { if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi; }
trap cleanup EXIT
scripts/createdb.sh
scripts/compilemessages.sh
.venv/bin/python bench/load/run.py --readme "$@"

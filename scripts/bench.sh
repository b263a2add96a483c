#!/usr/bin/env bash
# `make bench [ARGS="--sizes 10000 100000"]`: the matcher benchmark (bench/matching.py) against
# the private PostGIS, in its own database (pomoc_bench); writes bench/results/matching.json.
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings default to production (secret key required, DEBUG off); this is a developer's run.
export POMOC_ENV=development

scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
cleanup() { if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi; }
trap cleanup EXIT
scripts/createdb.sh
.venv/bin/python bench/matching.py "$@"

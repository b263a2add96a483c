#!/usr/bin/env bash
# `make run`: the whole service on http://127.0.0.1:8000 — web, matcher worker and the private
# PostGIS — with demo data. Ctrl-C stops what this script started, and nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings default to production (secret key required, DEBUG off); this is a developer's run.
export POMOC_ENV=development

scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Stop the cluster only if this run started it.
  if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi
}
trap cleanup INT TERM EXIT

scripts/createdb.sh
PY=.venv/bin/python
scripts/compilemessages.sh
$PY manage.py migrate --noinput -v 0
$PY manage.py seed_demo
$PY manage.py qcluster &
pids+=($!)
$PY manage.py runserver "${POMOC_BIND:-127.0.0.1:8000}" &
pids+=($!)
echo "Pomoc runs on http://${POMOC_BIND:-127.0.0.1:8000}/ (admin: /admin/, demo login coordinator@pomoc.example / pomoc-demo). Ctrl-C stops it."
# Either process dying ends the whole service, so a crash is not hidden behind a live half.
wait -n

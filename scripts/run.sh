#!/usr/bin/env bash
# `make run`: the whole service on http://127.0.0.1:8000 — gunicorn (scripts/serve.sh) serving
# the site and its static files (whitenoise), the django-q2 cluster and the private PostGIS —
# with demo data. Ctrl-C or SIGTERM stops everything this script started, and nothing else.
#   POMOC_BIND (127.0.0.1:8000), POMOC_WEB_WORKERS (2 x cores + 1): see gunicorn.conf.py.
#   POMOC_SEED_DEMO=0: start with no demo data (the demo accounts share a public password).
#   POMOC_WITH_REDIS=1: also start the private Redis (scripts/redis.sh) and use it as the cache
#   and the queue broker (POMOC_REDIS_URL, unless already set to another Redis).
#   POMOC_STOP_TIMEOUT (30): seconds the web server and the queue cluster get to stop before
#   they are killed (scripts/children.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# Settings default to production (secret key required, DEBUG off); this is a developer's machine,
# but served as in production: DEBUG off, static files collected and served by whitenoise.
export POMOC_ENV=development
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"

scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
redis_state=""
source scripts/children.sh
cleanup() {
  # Once only, and not cut short by another Ctrl-C: the children are stopped (at worst killed
  # after 30 s) and the script always goes on to stop the cluster.
  trap '' INT TERM HUP
  trap - EXIT
  stop_children
  # Stop the cluster (and Redis) only if this run started it.
  if [[ "$redis_state" == "started" ]]; then scripts/redis.sh stop || true; fi
  if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi
}
# A signal stops the service and ends the script, even one that arrives during start-up (bash
# runs the trap once the command in progress, e.g. seed_demo, has finished).
trap 'cleanup; exit 129' HUP
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

if [[ "${POMOC_WITH_REDIS:-0}" == "1" ]]; then
  redis_state="$(scripts/redis.sh start)"
  export POMOC_REDIS_URL="${POMOC_REDIS_URL:-redis://127.0.0.1:${POMOC_REDIS_PORT:-63790}/0}"
fi
scripts/createdb.sh
PY=.venv/bin/python
scripts/compilemessages.sh
$PY manage.py migrate --noinput -v 0
$PY manage.py createcachetable
$PY manage.py collectstatic --noinput -v 0
# The demo's posts are matched by one full pass, queued at once rather than at the schedule's
# first look (30 s after the cluster starts), and not by an incremental pass each queued ahead
# of it (480 on a new installation): a new installation has proposals, and /readyz a finished
# pass, within seconds; one restarted after a stop catches up.
if [[ "${POMOC_SEED_DEMO:-1}" == "1" ]]; then
  POMOC_MATCHING_ON_SAVE=off $PY manage.py seed_demo
fi
$PY manage.py run_matching --queue
start_child $PY manage.py qcluster
start_child scripts/serve.sh
echo "Pomoc runs on http://${POMOC_BIND:-127.0.0.1:8000}/ (admin: /admin/, demo login coordinator@pomoc.example / pomoc-demo). Ctrl-C stops it."
# Either process dying ends the whole service, so a crash is not hidden behind a live half.
# (`wait -n` returns early when a trapped signal arrives; the trap then stops the rest.)
wait -n

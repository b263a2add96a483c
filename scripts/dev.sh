#!/usr/bin/env bash
# `make dev`: for developers — Django's runserver with auto-reload and DEBUG on, the django-q2
# cluster and the private PostGIS. Ctrl-C stops what this script started.
#   POMOC_BIND (127.0.0.1:8000); POMOC_SEED_DEMO=0: start with no demo data;
#   POMOC_STOP_TIMEOUT (30): seconds its processes get to stop before they are killed.
set -euo pipefail
cd "$(dirname "$0")/.."
export POMOC_ENV=development

scripts/bootstrap.sh
pg_state="$(scripts/pg.sh start)"
source scripts/children.sh
cleanup() {
  # Once only, and not cut short by another Ctrl-C: the children are stopped (at worst killed
  # after 30 s) and the script always goes on to stop the cluster.
  trap '' INT TERM HUP
  trap - EXIT
  stop_children
  if [[ "$pg_state" == "started" ]]; then scripts/pg.sh stop; fi
}
# A signal stops the service and ends the script, even one that arrives during start-up (bash
# runs the trap once the command in progress, e.g. seed_demo, has finished).
trap 'cleanup; exit 129' HUP
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

scripts/createdb.sh
PY=.venv/bin/python
scripts/compilemessages.sh
$PY manage.py migrate --noinput -v 0
$PY manage.py createcachetable
# The demo's posts are matched by one full pass, queued at once rather than at the schedule's
# first look (30 s after the cluster starts), and not by an incremental pass each queued ahead
# of it (480 on a new installation): a new installation has proposals, and /readyz a finished
# pass, within seconds; one restarted after a stop catches up.
if [[ "${POMOC_SEED_DEMO:-1}" == "1" ]]; then
  POMOC_MATCHING_ON_SAVE=off $PY manage.py seed_demo
fi
$PY manage.py run_matching --queue
start_child $PY manage.py qcluster
start_child $PY manage.py runserver "${POMOC_BIND:-127.0.0.1:8000}"
echo "Pomoc (development server) runs on http://${POMOC_BIND:-127.0.0.1:8000}/. Ctrl-C stops it."
wait -n

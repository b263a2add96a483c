#!/usr/bin/env bash
# The project's own PostGIS cluster: data in var/pg, socket in var/pg/run, 127.0.0.1 only,
# on a port no system server uses (POMOC_PG_PORT, default 54329). POMOC_PG_ROOT puts it in another
# folder (a test starts a whole `make run` on a cluster of its own).
#   scripts/pg.sh start   create the cluster if needed, start it if stopped; prints "started" or "running"
#   scripts/pg.sh stop    stop it if it runs
#   scripts/pg.sh status
# PostgreSQL refuses to run as root, so as root everything runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_MAJOR="${POMOC_PG_MAJOR:-15}"
PORT="${POMOC_PG_PORT:-54329}"
BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
ROOT="${POMOC_PG_ROOT:-$(pwd)/var/pg}"
DATA="$ROOT/data"
RUN="$ROOT/run"
LOG="$ROOT/server.log"

as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

is_running() { [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

case "${1:-start}" in
  start)
    mkdir -p "$ROOT" "$RUN"
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres:postgres "$ROOT" "$RUN"
      # postgres must be able to reach var/pg through the project's parent folders.
      dir="$ROOT"; while [[ "$dir" != "/" ]]; do chmod o+x "$dir" 2>/dev/null || true; dir="$(dirname "$dir")"; done
    fi
    if [[ ! -f "$DATA/PG_VERSION" ]]; then
      echo "pg: creating a private PostGIS cluster in $DATA" >&2
      as_owner "$BIN/initdb" -D "$DATA" --auth=trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if is_running; then echo running; exit 0; fi
    as_owner touch "$LOG"
    # PostGIS loaded once by the server, not by each new connection on its first spatial query
    # (11 ms each, measured: the matcher's worker connections and every web request's).
    PRELOAD="-c shared_preload_libraries=postgis-3"
    # Sized for the machine rather than PostgreSQL's defaults (128 MB of buffers, a checkpoint
    # every 1 GB of WAL), which a matching pass over 10^5 posts outgrows: an eighth of the memory
    # for buffers (at most 2 GB; pages are only taken when used), WAL checkpoints spaced out,
    # and no JIT, which compiles for 50-100 ms on the many short queries of a web request or a
    # matcher probe and pays off only for long reports.
    mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
    buffers_mb=$(( mem_mb / 8 < 2048 ? mem_mb / 8 : 2048 ))
    TUNING="-c shared_buffers=${buffers_mb}MB -c effective_cache_size=$(( mem_mb / 2 ))MB"
    TUNING="$TUNING -c max_wal_size=4GB -c checkpoint_timeout=15min -c jit=off"
    if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 \
      -o "-p $PORT -k $RUN -c listen_addresses=127.0.0.1 -c fsync=${POMOC_PG_FSYNC:-on} $PRELOAD $TUNING" start >/dev/null; then
      echo "pg: the cluster did not start; the end of $LOG says why:" >&2
      tail -n 5 "$LOG" >&2
      echo "pg: if port $PORT is taken by another server, choose another with POMOC_PG_PORT." >&2
      exit 1
    fi
    echo started
    ;;
  stop)
    if is_running; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null; echo stopped >&2; fi
    ;;
  status)
    if is_running; then echo running; else echo stopped; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

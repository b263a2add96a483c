#!/usr/bin/env bash
# The project's own Redis, like the private PostGIS: files in var/redis (POMOC_REDIS_ROOT),
# 127.0.0.1 only, on a port no system Redis uses (POMOC_REDIS_PORT, default 63790).
#   scripts/redis.sh start   start it if stopped; prints "started" or "running"
#   scripts/redis.sh stop    stop it if it runs
#   scripts/redis.sh status
# Point Pomoc at it with POMOC_REDIS_URL=redis://127.0.0.1:63790/0 (cache and queue broker).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${POMOC_REDIS_PORT:-63790}"
ROOT="${POMOC_REDIS_ROOT:-$(pwd)/var/redis}"
PIDFILE="$ROOT/redis.pid"
LOG="$ROOT/redis.log"

ensure_installed() {
  command -v redis-server >/dev/null && return
  echo "redis: installing the Debian package redis-server" >&2
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >&2
}

is_running() { redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null | grep -q PONG; }

case "${1:-start}" in
  start)
    ensure_installed
    mkdir -p "$ROOT"
    if is_running; then echo running; exit 0; fi
    # A queue and a cache: the append-only file keeps queued tasks across a restart; memory is
    # bounded, and only keys with an expiry (the cache's) are evicted, never queued tasks.
    redis-server --port "$PORT" --bind 127.0.0.1 --dir "$ROOT" --daemonize yes \
      --pidfile "$PIDFILE" --logfile "$LOG" --appendonly yes --save "" \
      --maxmemory "${POMOC_REDIS_MAXMEMORY:-256mb}" --maxmemory-policy volatile-lru
    for _ in $(seq 50); do is_running && break; sleep 0.1; done
    if ! is_running; then
      echo "redis: did not start; the end of $LOG says why:" >&2
      tail -n 5 "$LOG" >&2 || true
      exit 1
    fi
    echo started
    ;;
  stop)
    if is_running; then
      redis-cli -h 127.0.0.1 -p "$PORT" shutdown >/dev/null 2>&1 || true
      for _ in $(seq 50); do is_running || break; sleep 0.1; done
      echo stopped >&2
    fi
    ;;
  status)
    if is_running; then echo running; else echo stopped; fi
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac

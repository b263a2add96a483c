# Sourced by backup.sh and restore.sh: PG_URL, a libpq URL of the database Pomoc uses
# (DATABASE_URL, or the private cluster's), and PG_BIN, the client programs of the cluster's
# PostgreSQL version (pg_dump must not be older than the server).
PG_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:${POMOC_PG_PORT:-54329}/${POMOC_DB_NAME:-pomoc}}"
PG_URL="${PG_URL/#postgis:\/\//postgresql://}"
PG_BIN="/usr/lib/postgresql/${POMOC_PG_MAJOR:-15}/bin"
if [[ ! -x "$PG_BIN/pg_dump" ]]; then PG_BIN="$(dirname "$(command -v pg_dump)")"; fi
export PGOPTIONS="-c client_min_messages=warning"

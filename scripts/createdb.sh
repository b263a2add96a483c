#!/usr/bin/env bash
# Creates the development database with PostGIS in the private cluster, once.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
PORT="${POMOC_PG_PORT:-54329}"
DB="${POMOC_DB_NAME:-pomoc}"
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
if [[ -z "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]]; then
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$DB\""
fi
# Tests create their database from template1, so PostGIS goes there too: then the test
# database has it without needing to run CREATE EXTENSION itself.
for target in "$DB" template1; do
  "${PSQL[@]}" -d "$target" -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS btree_gist; CREATE EXTENSION IF NOT EXISTS intarray" >/dev/null
done

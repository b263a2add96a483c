#!/usr/bin/env bash
# `make restore FILE=var/backups/pomoc-….dump`: replace the database's contents (DATABASE_URL,
# default the private cluster's) with a dump made by scripts/backup.sh. Without FILE, the newest
# dump in var/backups. Stop the web and queue workers first: the restore drops and recreates
# every table the dump holds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pgurl.sh
DIR="${POMOC_BACKUP_DIR:-var/backups}"
FILE="${1:-}"
if [[ -z "$FILE" ]]; then
  FILE="$(ls -1t "$DIR"/*.dump 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$FILE" || ! -f "$FILE" ]]; then
  echo "restore: no dump to restore (give FILE=path, or make one with make backup)" >&2
  exit 1
fi
# One transaction: a restore that fails leaves the database as it was.
"$PG_BIN/pg_restore" --clean --if-exists --no-owner --single-transaction --exit-on-error \
  --dbname="$PG_URL" "$FILE"
echo "restore: $FILE restored" >&2

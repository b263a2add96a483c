#!/usr/bin/env bash
# `make backup`: the whole database (DATABASE_URL, default the private cluster's) in pg_dump's
# custom format, compressed, to var/backups/pomoc-<UTC time>.dump (POMOC_BACKUP_DIR). Prints the
# file's path. The dump is consistent (one snapshot) and is taken while the site runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pgurl.sh
DIR="${POMOC_BACKUP_DIR:-var/backups}"
mkdir -p "$DIR"
chmod 700 "$DIR"  # a dump holds everyone's personal data
FILE="$DIR/pomoc-$(date -u +%Y%m%dT%H%M%SZ).dump"
"$PG_BIN/pg_dump" --format=custom --compress=6 --no-owner --file="$FILE.part" "$PG_URL"
mv "$FILE.part" "$FILE"
echo "$FILE"

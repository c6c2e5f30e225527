#!/usr/bin/env bash
# `make restore FROM=backups/<time>`: bring a backup back into an EMPTY system.
# Target: DATABASE_URL (or `make run`'s cluster under .run/, created if missing) and the
# configured private storage, with the same FIELD_ENCRYPTION_KEYS the backup was made under.
# Refuses a database that has tables or a storage that holds files; nothing is overwritten.
# Steps: verify the backup (hashes, key ids, empty storage), pg_restore in one transaction,
# restore and verify the files, then migrate (the code may be newer than the backup).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backup_lib.sh"

source_dir="${1:-}"
if [ -z "$source_dir" ] || [ ! -f "$source_dir/database.dump" ] || [ ! -f "$source_dir/backup.json" ]; then
  echo "Usage: make restore FROM=backups/<time>  (a folder with database.dump and backup.json)" >&2
  exit 2
fi
source_dir="$(cd "$source_dir" && pwd)"
cd "$ROOT"

portal_python
trap 'set +e; stop_local_database' EXIT INT TERM
if [ -z "${DATABASE_URL:-}" ]; then use_local_database create; fi
export_pg_environment

tables="$("$(pg_tool psql)" -X -q -tA -v ON_ERROR_STOP=1 -c \
  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")"
if [ "$tables" != 0 ]; then
  echo "Refusing to restore: database $PGDATABASE on $PGHOST:$PGPORT already has $tables tables." >&2
  echo "A restore goes into an empty database only. Create a new database (or drop this one) and run again." >&2
  exit 1
fi

log "Verifying the backup"
"$PYTHON" manage.py restore_private_files --verify-only "$source_dir"
log "Restoring database $PGDATABASE on $PGHOST:$PGPORT"
# One transaction: if anything fails the database stays empty and the restore can be re-run.
"$(pg_tool pg_restore)" --no-owner --no-acl --exit-on-error --single-transaction \
  --dbname="$PGDATABASE" "$source_dir/database.dump"
log "Restoring the private files"
"$PYTHON" manage.py restore_private_files "$source_dir"
log "Applying migrations the code has and the backup had not"
"$PYTHON" manage.py migrate --noinput
log "Restored from $source_dir"

#!/usr/bin/env bash
# `make backup`: a consistent backup of the database and the private files, without stopping
# the portal. Writes backups/<UTC time>/ (or BACKUP_DIR/<UTC time>/, or the folder given as
# the first argument): database.dump, private/, private-manifest.json and backup.json.
# The database comes from DATABASE_URL, or from `make run`'s cluster under .run/ when unset.
# No key is written: FIELD_ENCRYPTION_KEYS, BLIND_INDEX_KEY and SECRET_KEY are kept apart
# (docs/backups.md). Prints the backup folder on its last line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backup_lib.sh"
cd "$ROOT"

destination="${1:-${BACKUP_DIR:-$ROOT/backups}/$(date -u +%Y%m%dT%H%M%SZ)}"
if [ -e "$destination" ]; then echo "$destination already exists; not overwriting it." >&2; exit 1; fi
partial="$destination.partial"  # renamed when complete: a half-written backup never looks whole
rm -rf "$partial"

portal_python
trap 'set +e; stop_local_database' EXIT INT TERM
if [ -z "${DATABASE_URL:-}" ]; then use_local_database; fi
export_pg_environment

umask 077  # a backup is as sensitive as the database: readable by this user only
mkdir -p "$partial"
# The dump FIRST, the files AFTER: every row in the dump then finds its file
# (referral_portal/backups.py explains why).
log "Dumping database $PGDATABASE on $PGHOST:$PGPORT"
"$(pg_tool pg_dump)" --format=custom --no-owner --file="$partial/database.dump"
log "Copying the private files"
"$PYTHON" manage.py backup_private_files "$partial"
commit="$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo "${PORTAL_COMMIT:-unknown}")"
"$PYTHON" manage.py describe_backup "$partial" --commit "$commit"
mv "$partial" "$destination"
log "Backup written to $destination"
echo "$destination"

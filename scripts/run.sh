#!/usr/bin/env bash
# `make run`: the whole portal on http://127.0.0.1:8000 from a fresh machine.
# Starts a project-local PostgreSQL and Redis unless DATABASE_URL / BROKER_URL are set,
# migrates, loads demo data, and runs web, worker and beat under honcho. Ctrl-C stops all of it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-referral_portal.settings.dev}"
PG_PORT="${RUN_PG_PORT:-54329}"
REDIS_PORT="${RUN_REDIS_PORT:-63790}"
export PORT="${PORT:-8000}"

ensure_venv
started_pg="" started_redis=""
cleanup() {
  set +e
  [ -n "$started_redis" ] && stop_redis "$RUN/redis"
  [ -n "$started_pg" ] && stop_postgres "$RUN/postgres"
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  start_postgres "$RUN/postgres" "$PG_PORT"; started_pg=1
  export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
fi
if [ -z "${BROKER_URL:-}" ]; then
  start_redis "$RUN/redis" "$REDIS_PORT"; started_redis=1
  export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
# Mail goes to a local debugging SMTP server unless one is configured.
if [ -z "${EMAIL_HOST:-}" ]; then
  export EMAIL_PORT="${EMAIL_PORT:-$(free_port)}"
  MAIL_LINE="mail: .venv/bin/python -m aiosmtpd -n -c aiosmtpd.handlers.Debugging -l 127.0.0.1:$EMAIL_PORT"
fi

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py seed_demo
log "Portal on http://127.0.0.1:$PORT  (demo accounts: .run/demo-accounts.json; Ctrl-C stops everything)"
procfile="$RUN/Procfile.run"
export PORTAL_RUN_DIR="$RUN"
{ cat Procfile; [ -n "${MAIL_LINE:-}" ] && echo "$MAIL_LINE"; } > "$procfile"
.venv/bin/honcho -f "$procfile" -d "$ROOT" start

#!/usr/bin/env bash
# `make run`: the whole portal on http://127.0.0.1:8000 from a fresh machine.
# Starts a project-local PostgreSQL and Redis unless DATABASE_URL / BROKER_URL are set (or uses
# the ones already running from .run/), migrates, loads demo data, and runs the Procfile's
# processes under scripts/supervise.py, which restarts a worker or beat that dies.
# One portal per folder: a second `make run` refuses and leaves the first one alone.
# Ctrl-C (or `kill` of this script) stops what this run started, and nothing else.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-referral_portal.settings.dev}"
PG_PORT="${RUN_PG_PORT:-54329}"
REDIS_PORT="${RUN_REDIS_PORT:-63790}"
export PORT="${PORT:-8000}"

# The kernel releases a flock when the process holding it ends, however it ends, so a crashed
# run never leaves a stale lock behind. The file itself says who holds it. fd 9 stays open for
# this script's life (and the supervisor's); the servers it starts get it closed (9>&-) so that
# a PostgreSQL or Redis left running cannot keep the folder locked.
lock="$RUN/run.pid"
exec 9>>"$lock"
if ! flock -n 9; then
  read -r holder holder_port < "$lock" || true
  echo "A portal is already running from this folder (pid ${holder:-?}, http://127.0.0.1:${holder_port:-?})." >&2
  echo "Stop it with Ctrl-C in its terminal, or \`kill ${holder:-<pid>}\`." >&2
  exit 1
fi
echo "$$ $PORT" > "$lock"
if port_in_use "$PORT"; then
  echo "Port $PORT is in use by another program; start the portal on another one, e.g. PORT=8001 make run." >&2
  exit 1
fi

ensure_venv
PG_STARTED="" REDIS_STARTED="" supervisor=""
cleanup() {
  local status=$?
  trap '' INT TERM  # a second Ctrl-C must not cut the clean-up short (the supervisor hurries)
  set +e
  if [ -n "$supervisor" ] && kill -0 "$supervisor" 2>/dev/null; then
    kill -TERM "$supervisor"; wait "$supervisor"
  fi
  [ -n "$REDIS_STARTED" ] && { log "Stopping Redis"; stop_redis "$RUN/redis"; }
  [ -n "$PG_STARTED" ] && { log "Stopping PostgreSQL"; stop_postgres "$RUN/postgres"; }
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${DATABASE_URL:-}" ]; then
  start_postgres "$RUN/postgres" "$PG_PORT" 9>&-
  export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
fi
if [ -z "${BROKER_URL:-}" ]; then
  start_redis "$RUN/redis" "$REDIS_PORT" 9>&-
  export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
also=()
# Mail goes to a local debugging SMTP server unless one is configured.
if [ -z "${EMAIL_HOST:-}" ]; then
  export EMAIL_PORT="${EMAIL_PORT:-$(free_port)}"
  also+=(--also "mail: .venv/bin/python -m aiosmtpd -n -c aiosmtpd.handlers.Debugging -l 127.0.0.1:$EMAIL_PORT")
fi

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py seed_demo
log "Portal on http://127.0.0.1:$PORT  (demo accounts: .run/demo-accounts.json; Ctrl-C stops everything)"
export PORTAL_RUN_DIR="$RUN"
# In the background so that a signal reaches the traps at once: bash runs a trap only after the
# foreground command ends, but interrupts `wait`.
.venv/bin/python scripts/supervise.py --procfile Procfile "${also[@]}" &
supervisor=$!
wait "$supervisor"

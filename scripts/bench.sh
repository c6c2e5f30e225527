#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL and Redis, then scripts/bench_run.py loads the portal and
# writes the run at the top of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_apt redis-server postgresql
ensure_venv
scratch="$(mktemp -d "$RUN/bench.XXXXXX")"; chmod 755 "$scratch"
cleanup() { set +e; stop_redis "$scratch/redis"; stop_postgres "$scratch/postgres"; rm -rf "$scratch"; }
trap cleanup EXIT INT TERM
PG_PORT="$(free_port)"; REDIS_PORT="$(free_port)"
# Commit timestamps let the run measure confirm-to-delivered from the decision's commit.
PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c track_commit_timestamp=on -c max_connections=100" \
  start_postgres "$scratch/postgres" "$PG_PORT"
REDIS_APPENDONLY=no start_redis "$scratch/redis" "$REDIS_PORT"
export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SETTINGS_MODULE=referral_portal.settings.bench
export BENCH_SCRATCH="$scratch"
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND PRIVATE_STORAGE
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python scripts/bench_run.py

#!/usr/bin/env bash
# `make test`: installs what the tests need (Python deps, Debian's chromium, PostgreSQL, Redis),
# starts throwaway PostgreSQL, Redis and an S3-compatible server on free loopback ports, runs the
# whole suite, and stops everything it started. Exits non-zero on any failure, or when no test ran.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/s3.sh"
cd "$ROOT"

ensure_apt chromium redis-server postgresql
ensure_venv

scratch="$(mktemp -d "$RUN/test.XXXXXX")"
chmod 755 "$scratch"  # PostgreSQL runs as `postgres` and must reach its folder
cleanup() {
  set +e
  stop_s3 "$scratch/s3"
  stop_redis "$scratch/redis"
  stop_postgres "$scratch/postgres"
  rm -rf "$scratch"
}
trap cleanup EXIT INT TERM

PG_PORT="$(free_port)"; REDIS_PORT="$(free_port)"
# Throwaway cluster: durability is not wanted, speed is.
PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start_postgres "$scratch/postgres" "$PG_PORT"
REDIS_APPENDONLY=no start_redis "$scratch/redis" "$REDIS_PORT"
S3_PORT="$(free_port)"
start_s3 "$scratch/s3" "$S3_PORT"

export DJANGO_SETTINGS_MODULE=referral_portal.settings.test
export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export TEST_REDIS_DIR="$scratch/redis" TEST_REDIS_PORT="$REDIS_PORT"
export DJANGO_ALLOW_ASYNC_UNSAFE=true
# The S3 tests opt in to this server (tests/s3.py); the rest keep the filesystem storage.
export TEST_S3_ENDPOINT_URL="http://127.0.0.1:$S3_PORT"
unset CELERY_BROKER_URL CELERY_RESULT_BACKEND PRIVATE_STORAGE

log "Lint"
lint_rc=0
.venv/bin/ruff check . || lint_rc=1
.venv/bin/ruff format --check . || lint_rc=1
log "Deployment checks (production settings)"
SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
FIELD_ENCRYPTION_KEYS="k1=$(.venv/bin/python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
FIELD_ENCRYPTION_ACTIVE_KEY=k1 \
BLIND_INDEX_KEY="$(.venv/bin/python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')" \
ALLOWED_HOSTS=referrals.example.ny.gov PORTAL_BASE_URL=https://referrals.example.ny.gov DJANGO_SETTINGS_MODULE=referral_portal.settings.production \
  env -u DJANGO_ALLOW_ASYNC_UNSAFE \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models changed without a migration (run makemigrations)" >&2; exit 1; }
.venv/bin/python manage.py collectstatic --noinput -v0

log "Tests"
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then echo "No tests ran" >&2; exit 1; fi
if [ $lint_rc -ne 0 ]; then echo "Lint failed (see above): ruff check / ruff format --check" >&2; exit 1; fi
exit $rc

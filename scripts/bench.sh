#!/usr/bin/env bash
# `make bench`: throwaway PostgreSQL and Redis, then scripts/bench.py writes docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_venv
scratch="$(mktemp -d "$RUN/bench.XXXXXX")"; chmod 755 "$scratch"
cleanup() { set +e; stop_redis "$scratch/redis"; stop_postgres "$scratch/postgres"; rm -rf "$scratch"; }
trap cleanup EXIT INT TERM
PG_PORT="$(free_port)"; REDIS_PORT="$(free_port)"
PG_EXTRA_OPTS="-c fsync=off -c synchronous_commit=off" start_postgres "$scratch/postgres" "$PG_PORT"
REDIS_APPENDONLY=no start_redis "$scratch/redis" "$REDIS_PORT"
export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal"
export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DJANGO_SETTINGS_MODULE=referral_portal.settings.test
.venv/bin/python manage.py collectstatic --noinput -v0

# Load stage (issue 13): realistic data, the portal under gunicorn (4 sync workers, DEBUG off),
# Locust on loopback at 10 and 50 users. BENCH_LOAD=0 skips it; it runs before the in-process
# stage, which rewrites docs/benchmarks.md, so its figures are kept and appended afterwards.
load_runs=()
if [ "${BENCH_LOAD:-1}" = 1 ]; then
  for size in ${BENCH_LOAD_SIZES:-20000 200000}; do
    .venv/bin/python scripts/bench_seed.py "$size" "$scratch/sessions.json"
    port="$(free_port)"
    DEBUG=False .venv/bin/gunicorn --workers 4 --bind "127.0.0.1:$port" \
      --pid "$scratch/gunicorn.pid" --daemon referral_portal.wsgi:application
    for _ in $(seq 60); do curl -fs "http://127.0.0.1:$port/accessibility/" >/dev/null && break; sleep 1; done
    for users in 10 50; do
      BENCH_SESSIONS="$scratch/sessions.json" .venv/bin/locust -f scripts/locustfile.py \
        --headless -u "$users" -r "$users" -t "${BENCH_LOAD_SECONDS:-60}s" \
        -H "http://127.0.0.1:$port" --csv "$scratch/load-$size-$users" --only-summary || true
      rss="$(ps -o rss= --ppid "$(cat "$scratch/gunicorn.pid")" | tr -s ' \n' ' ')"
      load_runs+=("$size $users $scratch/load-$size-${users}_stats.csv $rss")
    done
    kill "$(cat "$scratch/gunicorn.pid")"; sleep 2
  done
fi
.venv/bin/python scripts/bench.py
for run in "${load_runs[@]}"; do
  # shellcheck disable=SC2086  # the run's fields, then the RSS of each worker
  .venv/bin/python scripts/bench_report.py $run
done

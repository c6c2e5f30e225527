# Shared by backup.sh and restore.sh. Sourced after lib.sh, from the project folder.

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-referral_portal.settings.dev}"
LOCAL_PG_PORT="${RUN_PG_PORT:-54329}"  # `make run`'s cluster (scripts/run.sh)

# The portal's Python: PORTAL_PYTHON (e.g. a container's), else .venv, built only if missing:
# a backup or restore uses the portal as installed and never reinstalls its packages.
portal_python() {
  if [ -n "${PORTAL_PYTHON:-}" ]; then PYTHON="$PORTAL_PYTHON"; return; fi
  [ -x "$VENV/bin/python" ] || ensure_venv
  PYTHON="$VENV/bin/python"
}

# A PostgreSQL client program: the newest installed, else the one on PATH.
pg_tool() {
  if [ -n "${PGBIN:-}" ] && [ -x "$PGBIN/$1" ]; then echo "$PGBIN/$1"
  else command -v "$1" || { echo "$1 not found: install the PostgreSQL client" >&2; return 1; }; fi
}

# With no DATABASE_URL, `make run`'s cluster under .run/postgres: used as it is when running,
# else started here and stopped again at the end. $1 = "create" also creates the cluster when
# there is none (a restore onto a fresh machine); a backup of nothing is refused.
started_local_pg=""
use_local_database() {
  if [ "${1:-}" != create ] && [ ! -s "$RUN/postgres/data/PG_VERSION" ]; then
    echo "No DATABASE_URL and no local database in ${RUN#"$ROOT"/}/postgres: nothing to back up." >&2
    return 1
  fi
  start_postgres "$RUN/postgres" "$LOCAL_PG_PORT" || return 1
  started_local_pg="${PG_STARTED:-}"
  export DATABASE_URL="postgres://portal:portal@127.0.0.1:$LOCAL_PG_PORT/portal"
}
stop_local_database() { [ -z "$started_local_pg" ] || stop_postgres "$RUN/postgres"; }

# libpq's variables from DATABASE_URL, parsed as Django parses it. The password goes in the
# environment, not on a command line that `ps` would show.
export_pg_environment() {
  local exports
  exports="$("$PYTHON" - <<'PY'
import os, shlex, environ
config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
if config["ENGINE"] != "django.db.backends.postgresql":
    raise SystemExit("DATABASE_URL is not a PostgreSQL database")
values = {"PGHOST": config["HOST"], "PGPORT": config["PORT"], "PGUSER": config["USER"],
          "PGPASSWORD": config["PASSWORD"], "PGDATABASE": config["NAME"]}
options = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT",
           "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
given = config.get("OPTIONS", {})
values.update({variable: given[name] for name, variable in options.items() if name in given})
for name, value in values.items():
    if value not in (None, ""):
        print(f"export {name}={shlex.quote(str(value))}")
PY
)" || return 1
  eval "$exports"
}

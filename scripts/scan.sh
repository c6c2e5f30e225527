#!/usr/bin/env bash
# `make scan`: dynamic scans (wapiti and sqlmap) of the portal on loopback only, bounded in time.
#
# Starts the portal with gunicorn on 127.0.0.1 (a project-local PostgreSQL and Redis unless
# DATABASE_URL / BROKER_URL are set, as `make run` does), on its own database with demo data,
# signs in one person per scanned role by creating server-side sessions (MFA enrolled), then:
#   - wapiti: anonymous and signed in (administrator, referrer, receiving agency), modules that need no
#     outside endpoint (ssrf and xxe call a public server, nikto/wapp download databases: off),
#     no bug reports sent anywhere;
#   - sqlmap: the sign-in and password-reset forms and every query-string filter page, as the
#     role that may use it.
# Reports and a summary go to .run/scan/. Nothing is sent anywhere but 127.0.0.1.
# SCAN_MINUTES (default 4) bounds each wapiti crawl (attacks add at most about as much again); sqlmap gets SQLMAP_SECONDS (default 240) per
# target group.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-referral_portal.settings.dev}"
# Setting up (migrate, seed_demo) runs with DEBUG on, as on a developer's machine: seed_demo and
# the development keys are refused with DEBUG off. The scanned server runs with DEBUG off.
export DEBUG=True
OUT="$RUN/scan"
SCAN_SECONDS=$(( ${SCAN_MINUTES:-4} * 60 ))
SQLMAP_SECONDS="${SQLMAP_SECONDS:-240}"
PG_PORT="${RUN_PG_PORT:-54329}"
REDIS_PORT="${RUN_REDIS_PORT:-63790}"

ensure_venv
command -v wapiti >/dev/null && command -v sqlmap >/dev/null || ensure_apt wapiti sqlmap
rm -rf "$OUT"; mkdir -p "$OUT"

started_pg="" started_redis="" web_pid=""
cleanup() {
  set +e
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
  [ -n "$started_redis" ] && stop_redis "$RUN/redis"
  [ -n "$started_pg" ] && stop_postgres "$RUN/postgres"
}
trap cleanup EXIT INT TERM

if [ -z "${DATABASE_URL:-}" ]; then
  start_postgres "$RUN/postgres" "$PG_PORT"; started_pg="$PG_STARTED"
  "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='portal_scan'" | grep -q 1 \
    || "$PGBIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE portal_scan OWNER portal"
  export DATABASE_URL="postgres://portal:portal@127.0.0.1:$PG_PORT/portal_scan"
fi
if [ -z "${BROKER_URL:-}" ]; then
  start_redis "$RUN/redis" "$REDIS_PORT"; started_redis="$REDIS_STARTED"
  export BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
fi
export EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"

log "Preparing the scan database"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py seed_demo >/dev/null
# One server-side session per scanned role, as a completed sign-in with MFA would leave it.
.venv/bin/python manage.py shell -v0 > "$OUT/sessions.env" <<'PY'
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import Organization, User
from allauth.mfa.utils import is_mfa_enabled
org = Organization.objects.filter(status="verified").order_by("pk").first()
# The demo accounts (seed_demo) see demo data; scan-* accounts stand in when a demo one is missing.
for role, demo in (("administrator", "demo-admin"), ("referrer", "demo-referrer"),
                   ("receiving_agency", "demo-ldss")):
    user = User.objects.filter(username=demo, is_active=True).first()
    if user is None:
        user, _ = User.objects.get_or_create(username=f"scan-{role}", defaults={"role": role, "organization": org})
        user.set_unusable_password(); user.save()
    if not is_mfa_enabled(user):
        TOTP.activate(user, generate_totp_secret())
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(f"SESSION_{role.upper()}={session.session_key}")
PY
source "$OUT/sessions.env"

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
log "Portal on $BASE (gunicorn, DEBUG off)"
DEBUG=False .venv/bin/gunicorn referral_portal.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 30 \
  --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" &
web_pid=$!
for _ in $(seq 60); do
  curl -s -o /dev/null "$BASE/" && break; sleep 0.5
done
curl -s -o /dev/null "$BASE/" || { echo "The portal did not start; see $OUT/gunicorn.log" >&2; exit 1; }

MODULES="blindsql,cookieflags,crlf,csp,csrf,exec,file,http_headers,methods,permanentxss,redirect,sql,xss,backup"
wapiti_run() {  # name, start folder, then extra wapiti arguments
  local name="$1" folder="$2"; shift 2
  log "wapiti: $name on $folder (at most $SCAN_SECONDS s)"
  # Debian's wapiti 3.0.4 crashes on any -x exclusion under Python 3.11 (its wildcard
  # translation), so the scope is a folder instead. Sign-out needs a POST with a valid CSRF
  # token, which wapiti's crawler does not send, so the signed-in session survives the crawl.
  # --max-scan-time bounds the crawl; each attack module gets a tenth of the budget, and the
  # outer timeout is a safety net (a killed wapiti writes no report).
  timeout --kill-after=30 $(( SCAN_SECONDS * 3 + 120 )) wapiti -u "$BASE$folder" --scope folder \
    -m "$MODULES" --no-bugreport --flush-session --store-session "$OUT/wapiti-$name.session" \
    --max-scan-time "$SCAN_SECONDS" --max-attack-time $(( SCAN_SECONDS / 10 + 5 )) -d 4 --max-links-per-page 60 \
    --max-files-per-dir 30 -t 10 -f json -o "$OUT/wapiti-$name.json" -v 1 "$@" \
    >"$OUT/wapiti-$name.log" 2>&1 || echo "wapiti $name ended with status $? (see $OUT/wapiti-$name.log)"
}
wapiti_run anonymous /
wapiti_run administrator /security/access-log/ -H "Cookie: sessionid=$SESSION_ADMINISTRATOR"
wapiti_run referrer /referrals/ -H "Cookie: sessionid=$SESSION_REFERRER"
wapiti_run receiving-agency /cases/ -H "Cookie: sessionid=$SESSION_RECEIVING_AGENCY"

sqlmap_run() {  # name, then sqlmap arguments
  local name="$1"; shift
  log "sqlmap: $name (at most $SQLMAP_SECONDS s)"
  timeout --kill-after=30 "$SQLMAP_SECONDS" sqlmap --batch --flush-session --disable-coloring \
    --level 2 --risk 1 --time-sec 2 --timeout 10 --retries 0 \
    --output-dir "$OUT/sqlmap-$name" "$@" >"$OUT/sqlmap-$name.log" 2>&1 \
    || echo "sqlmap $name ended with status $? (see $OUT/sqlmap-$name.log)"
}
sqlmap_run sign-in -u "$BASE/accounts/login/" --forms --csrf-token=csrfmiddlewaretoken
sqlmap_run password-reset -u "$BASE/accounts/password/reset/" --forms --csrf-token=csrfmiddlewaretoken
sqlmap_run access-log --cookie "sessionid=$SESSION_ADMINISTRATOR" \
  -u "$BASE/security/access-log/?person=scan&organization=&reference=VC-1&action=search&date_from=2026-01-01&date_to=2026-12-31&page=1"
sqlmap_run referrer-pages --cookie "sessionid=$SESSION_REFERRER" \
  -u "$BASE/referrals/?page=1" --crawl=2 --forms --csrf-token=csrfmiddlewaretoken \
  --crawl-exclude="logout|mfa|sessions|discard|withdraw"

log "Summary"
.venv/bin/python - "$OUT" <<'PY' | tee "$OUT/summary.txt"
import json, pathlib, re, sys
out = pathlib.Path(sys.argv[1])
for report in sorted(out.glob("wapiti-*.json")):
    data = json.loads(report.read_text())
    found = {k: len(v) for k, v in data.get("vulnerabilities", {}).items() if v}
    anomalies = {k: len(v) for k, v in data.get("anomalies", {}).items() if v}
    print(f"{report.name}: vulnerabilities {found or 'none'}; anomalies {anomalies or 'none'}")
for log in sorted(out.glob("sqlmap-*.log")):
    text = log.read_text(errors="replace")
    injectable = re.findall(r"Parameter: (.+?) \(", text)
    verdict = f"INJECTABLE {sorted(set(injectable))}" if injectable else "no injection found"
    tested = len(re.findall(r"testing '", text))
    print(f"{log.name}: {verdict} ({tested} tests run)")
PY

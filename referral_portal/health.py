"""/healthz: can the portal work? Public and cheap, for load balancers and uptime checks.

The public check asks only what this process can answer in well under a second: the database
(`SELECT 1`) and the broker (a Redis PING with a one-second timeout). The answer is kept in the
process for a few seconds, so a flood of calls costs one check per process per interval. It is
kept in memory, not in the Redis cache, because Redis may be the thing that is down.

/healthz/detail adds the worker check (a heartbeat in the database fresher than two minutes,
not a control ping that holds the request for a second) and needs the METRICS_TOKEN bearer
token: without it the answer is a 404.
"""

import threading
import time

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from . import broker, operations
from .metrics import require_metrics_token

CACHE_SECONDS = 5.0

_lock = threading.Lock()
_last: tuple[float, dict[str, bool]] | None = None  # (monotonic time, checks)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def _cheap_checks() -> dict[str, bool]:
    global _last
    with _lock:  # one thread of a process checks; the others wait for its answer
        now = time.monotonic()
        if _last is None or now - _last[0] >= CACHE_SECONDS:
            _last = (now, {"database": _database(), "broker": broker.reachable()})
        return dict(_last[1])


def _respond(checks: dict[str, bool]) -> JsonResponse:
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "degraded"}
    body.update({name: "up" if up else "down" for name, up in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def healthz(request):
    return _respond(_cheap_checks())


@never_cache
def healthz_detail(request):
    require_metrics_token(request)
    checks = _cheap_checks()
    try:
        checks["worker"] = checks["database"] and operations.worker_alive()
    except Exception:  # noqa: BLE001 - the database failed between the checks
        checks["worker"] = False
    return _respond(checks)

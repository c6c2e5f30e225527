"""/healthz: is the portal able to work? Reports up/down per dependency and nothing else."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from kombu import Connection

from .celery import app as celery_app


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def _broker() -> bool:
    try:
        with Connection(celery_app.conf.broker_url, connect_timeout=1) as broker:
            broker.ensure_connection(max_retries=1, timeout=1)
        return True
    except Exception:  # noqa: BLE001
        return False


def _worker() -> bool:
    try:
        return bool(celery_app.control.ping(timeout=1.0))
    except Exception:  # noqa: BLE001
        return False


@never_cache
def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    checks["worker"] = checks["broker"] and _worker()
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "degraded"}
    body.update({name: "up" if up else "down" for name, up in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)

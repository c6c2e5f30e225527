"""Gunicorn settings for the `web` service (docker-compose.yml). Read by
`gunicorn --config deploy/gunicorn.conf.py referral_portal.wsgi:application`.

Every number can be changed through the environment without rebuilding the image.
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = "0.0.0.0:8000"  # reachable only on the compose network; Caddy is the only way in

# Sync workers, one request at a time per process: the attachment checks turn Pillow's
# decompression-bomb warning into an error with warnings.catch_warnings(), which is not
# thread-safe, and each process then holds exactly one database connection. Caddy keeps the
# client connections; web instances x workers must stay below PostgreSQL's max_connections
# (docs/operations.md).
worker_class = "sync"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)

timeout = _int("GUNICORN_TIMEOUT", 60)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # in-flight requests finish on stop
# Sync workers close each connection after its response, so keep-alive does not apply.
# Recycle workers now and then so a slow leak cannot grow forever; jitter keeps them from all
# restarting at the same moment.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# Scheme headers (X-Forwarded-Proto) are believed only from the proxy's network.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The root file system is read-only: heartbeat files go to shared memory, and the control socket
# (which gunicorn would create under $HOME) is not wanted in a container.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a tmpfs in every container, not a shared /tmp
control_socket_disable = True

# Access log on stdout: path only, never the query string or the referrer (either could carry
# something a person typed), the client address Caddy saw, and the request id that ties the line
# to the application's own log records.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms '
    'request_id=%({x-request-id}o)s "%(a)s"'
)

# --- garbage collection ----------------------------------------------------------------------
# A worker holds about 200,000 objects that live as long as it does (modules, models, URL
# patterns, compiled templates). Python's full collections scan them all, and paused a worker
# for about 100 ms every few hundred requests: the slowest requests under load were the ones
# that met such a pause (docs/benchmarks.md). gc.freeze() moves what exists to a generation
# the collector never scans. Once the portal is loaded, and again after the first requests
# (which load each page's templates), so that what stays scanned is the requests' own garbage.
FREEZE_AFTER_REQUESTS = (1, 50, 500)


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def post_worker_init(worker):
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - loads every view module now, not on a request
    _freeze()


def post_request(worker, req, environ, resp):
    if worker.nr in FREEZE_AFTER_REQUESTS:
        _freeze()

"""Short questions to the Celery broker (Redis) that give up after a second: is it there, and
how many task messages wait in the default queue. Used by /healthz and the operator's figures,
which must answer quickly when Redis is the thing that is down."""

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .celery import app as celery_app

TIMEOUT_SECONDS = 1.0


def _client() -> redis.Redis:
    # The broker the Celery app publishes to (tests may point it elsewhere). No retries: a
    # second is the whole budget, and the answer "down" is what the caller wants to know.
    return redis.Redis.from_url(
        celery_app.conf.broker_url,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )


def reachable() -> bool:
    try:
        with _client() as client:
            return bool(client.ping())
    except Exception:  # noqa: BLE001 - any failure means "down"
        return False


def queue_length() -> int | None:
    """Messages waiting in the default queue (a Redis list of that name), None when unknown."""
    try:
        with _client() as client:
            return int(client.llen(celery_app.conf.task_default_queue))
    except Exception:  # noqa: BLE001 - unknown, never an error page
        return None

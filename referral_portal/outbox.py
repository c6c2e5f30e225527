"""The transactional outbox (reference/security.md section 4.4).

Services call `enqueue(kind, **ids)` inside their transaction. A beat task relays due rows to
Celery; the worker runs the handler registered for the kind, at most once to completion.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)
_handlers: dict[str, Callable[..., None]] = {}


class RetryLater(Exception):
    """A handler raises this when the outside world failed and the work should be retried."""


def handler(kind: str):
    def register(function):
        _handlers[kind] = function
        return function

    return register


def enqueue(kind: str, **payload) -> OutboxMessage:
    for value in payload.values():
        if not isinstance(value, (int, str, bool)) or (isinstance(value, str) and len(value) > 64):
            raise ValueError("Outbox payloads carry ids only")
    message = OutboxMessage.objects.create(kind=kind, payload=payload)
    # Fast path: relay right after commit. The beat relay is the safety net if Redis is down.
    transaction.on_commit(_relay_soon, robust=True)
    return message


def _relay_soon():
    from .celery import app
    from .tasks import relay_outbox

    try:
        # A connection of its own that gives up at once: with the broker down, kombu's default
        # connection retry (about 6 s per call) would hold the person's request after their
        # change was already saved (tests/routing/test_worker.py, Redis stopped).
        with app.connection_for_write(
            connect_timeout=1, transport_options={"max_retries": 0}
        ) as connection:
            relay_outbox.apply_async(retry=False, connection=connection)
    except Exception:  # noqa: BLE001 - broker down: the beat relay will pick the row up
        logger.warning("outbox fast path unavailable; beat relay will deliver")


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", 8)


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts * 5, 3600))


def due_messages(limit: int = 100):
    """Rows to hand to Celery: pending and due, or dispatched long ago and never finished."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=getattr(settings, "OUTBOX_STUCK_AFTER_SECONDS", 300))
    pending = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, available_at__lte=now
    )
    stuck = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.DISPATCHED, dispatched_at__lt=stuck_before
    )
    return (pending | stuck).order_by("available_at").select_for_update(skip_locked=True)[:limit]


def relay(send: Callable[[str], None]) -> int:
    """Mark due rows dispatched and hand each id to `send`. Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        for message in due_messages():
            send(str(message.id))
            message.status = OutboxMessage.Status.DISPATCHED
            message.dispatched_at = timezone.now()
            message.save(update_fields=["status", "dispatched_at"])
            sent += 1
    return sent


def process(message_id: str) -> str:
    """Run one message's handler. Idempotent: a message already done is left alone."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_id).first()
        )
        if message is None:
            return "busy-or-missing"
        if message.status in (OutboxMessage.Status.DONE, OutboxMessage.Status.FAILED):
            return message.status
        function = _handlers.get(message.kind)
        message.attempts += 1
        try:
            if function is None:
                raise LookupError(f"no handler for {message.kind}")
            with transaction.atomic():
                function(**message.payload)
        except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
            message.last_error = f"{type(error).__name__}: {str(error)[:200]}"
            if message.attempts >= max_attempts():
                message.status = OutboxMessage.Status.FAILED
                logger.error("outbox message failed for good", extra={"object_id": message_id})
            else:
                message.status = OutboxMessage.Status.PENDING
                message.available_at = timezone.now() + backoff(message.attempts)
            message.save()
            return message.status
        message.status = OutboxMessage.Status.DONE
        message.done_at = timezone.now()
        message.last_error = ""
        message.save()
        return message.status


def resend(message: OutboxMessage) -> None:
    """An administrator sends a failed message again."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.available_at = timezone.now()
        message.save()
        transaction.on_commit(_relay_soon, robust=True)

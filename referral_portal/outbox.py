"""The transactional outbox.

Services call `enqueue(kind, **ids)` inside their transaction. After that transaction commits,
one relay task per transaction (not per message) is published; the relay claims due rows in a
short transaction of its own, commits, and only then hands their ids to Celery, so a worker that
starts a message at once never finds its row still locked by the relay. A beat task runs the same
relay every few seconds as the safety net: it picks up rows whose fast path failed (broker down)
and rows dispatched to a worker that died (`OUTBOX_STUCK_AFTER_SECONDS`). Handlers are idempotent
and `process` locks the row, so a message handed over twice still takes effect once.

The relay hands ids to Celery in small batches, one task per OUTBOX_TASK_BATCH_SIZE messages:
a task's fixed cost (broker round trips, acknowledgement, the pool hand-over) is paid once per
batch, not once per message, and a backlog still spreads over every worker process.

A message a handler enqueues is work the same worker does next (`process_with_follow_ups`): a
delivery enqueues the receivers' notification, and the worker that delivered sends it as soon
as the delivery commits, instead of a relay and a second task on the broker for each step.
Those rows are written already dispatched, in the handler's transaction: nobody else takes
them, a failed handler's rows roll back with it, and if the worker dies in between, the beat
relay finds them stuck and hands them out.
"""

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .locks import lock_row, lock_row_or_none
from .models import OutboxMessage

logger = logging.getLogger(__name__)
_handlers: dict[str, Callable[..., None]] = {}
# Set while a relay task is queued and has not started, so a burst of commits publishes one
# relay instead of hundreds that find nothing to do. Expires on its own if that task is lost.
RELAY_QUEUED_KEY = "outbox:relay-queued"
# How many follow-ups one task runs before it leaves the rest to the relay (a handler that
# enqueued without end cannot hold one worker process for ever).
FOLLOW_UPS_PER_TASK = 50
# Set while a worker runs a handler: the messages it enqueues, to run next in the same task.
_running = threading.local()


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
    follow_ups = getattr(_running, "follow_ups", None)
    if follow_ups is None:
        message = OutboxMessage.objects.create(kind=kind, payload=payload)
        _relay_after_commit()
    else:
        # Born dispatched to the worker that runs it next: no relay claims it, and if that
        # worker dies, it counts as stuck like any row a worker took.
        message = OutboxMessage.objects.create(
            kind=kind,
            payload=payload,
            status=OutboxMessage.Status.DISPATCHED,
            dispatched_at=timezone.now(),
        )
        follow_ups.append(str(message.pk))
    return message


class _RelayAfterCommit:
    """The one on-commit callback of a transaction that enqueued messages."""

    def __call__(self):
        relay_soon()


def _relay_after_commit() -> None:
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(callback, _RelayAfterCommit) for _, callback, _ in connection.run_on_commit
    ):
        return  # this transaction already relays when it commits
    transaction.on_commit(_RelayAfterCommit(), robust=True)


def relay_soon() -> None:
    """Publish one relay task unless one is already waiting. Never raises: with the broker or
    the cache down, the beat relay delivers the rows a few seconds later."""
    from .celery import app
    from .tasks import relay_outbox

    try:
        if not cache.add(RELAY_QUEUED_KEY, 1, timeout=settings.OUTBOX_RELAY_INTERVAL_SECONDS):
            return
    except Exception:  # noqa: BLE001 - cache down: publish anyway, a spare relay is harmless
        logger.warning("outbox relay flag unavailable; publishing a relay anyway")
    try:
        # A connection of its own that gives up at once: with the broker down, kombu's default
        # connection retry (about 6 s per call) would hold the person's request after their
        # change was already saved (tests/routing/test_worker.py, Redis stopped).
        with app.connection_for_write(
            connect_timeout=1, transport_options={"max_retries": 0}
        ) as connection:
            relay_outbox.apply_async(retry=False, connection=connection)
    except Exception:  # noqa: BLE001 - broker down: the beat relay will pick the row up
        _forget_relay_queued()
        logger.warning("outbox fast path unavailable; beat relay will deliver")


def relay_started() -> None:
    """Called first by the relay task: commits after this point publish a new relay."""
    _forget_relay_queued()


def _forget_relay_queued() -> None:
    try:
        cache.delete(RELAY_QUEUED_KEY)
    except Exception:  # noqa: BLE001 - the flag expires by itself
        logger.warning("outbox relay flag unavailable")


def max_attempts() -> int:
    return settings.OUTBOX_MAX_ATTEMPTS


def backoff(
    attempts: int, *, base: float = 10.0, ceiling: float = 3600.0, jitter: float = 0.0
) -> timedelta:
    """The wait after `attempts` failed tries: base, 2 x base, 4 x base ... up to the ceiling,
    each moved by up to +-jitter (a fraction of it) so that retries of many failures that
    happened together do not all fall due together again. The one exponential backoff: the
    outbox's own retries use the defaults, webhook deliveries (routing/webhooks.py) their
    settings and 20% jitter."""
    seconds = min(base * 2 ** max(attempts - 1, 0), ceiling)
    if jitter:
        seconds *= random.uniform(1 - jitter, 1 + jitter)  # noqa: S311 - timing, not security
    return timedelta(seconds=seconds)


def due_messages(limit: int | None = None):
    """Rows to hand to Celery: pending and due, or dispatched long ago and never finished (the
    worker died). Rows a worker is processing right now are locked and skipped."""
    now = timezone.now()
    stuck_before = now - timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    pending = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, available_at__lte=now
    )
    stuck = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.DISPATCHED, dispatched_at__lt=stuck_before
    )
    limit = limit or settings.OUTBOX_RELAY_BATCH_SIZE
    return (pending | stuck).order_by("available_at").select_for_update(skip_locked=True)[:limit]


def claim_due() -> list[str]:
    """Mark one batch of due rows dispatched and commit. Returns their ids."""
    with transaction.atomic():
        ids = [str(pk) for pk in due_messages().values_list("pk", flat=True)]
        if ids:
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=OutboxMessage.Status.DISPATCHED, dispatched_at=timezone.now()
            )
    return ids


def relay(send: Callable[[list[str]], None]) -> int:
    """Claim due rows batch by batch and hand each committed batch to `send`. Returns how many
    were handed over. If `send` fails, its batch goes back to pending for the next relay."""
    sent = 0
    for _ in range(settings.OUTBOX_RELAY_MAX_BATCHES):
        ids = claim_due()
        if not ids:
            break
        try:
            send(ids)
        except Exception:
            _unclaim(ids)
            raise
        sent += len(ids)
        if len(ids) < settings.OUTBOX_RELAY_BATCH_SIZE:
            break
    return sent


def _unclaim(ids: Iterable[str]) -> None:
    OutboxMessage.objects.filter(pk__in=list(ids), status=OutboxMessage.Status.DISPATCHED).update(
        status=OutboxMessage.Status.PENDING, dispatched_at=None
    )


def process(message_id: str) -> str:
    """Run one message's handler. Idempotent: a message already done is left alone.

    The handler runs in the message row's transaction, with no savepoint of its own: if it
    fails, the whole transaction (its writes and the lock) is rolled back and the failure is
    recorded in a second one. A savepoint would cost two more round trips on every message to
    save one on the rare failure."""
    try:
        with transaction.atomic():
            message = lock_row_or_none(OutboxMessage, message_id, skip_locked=True)
            if message is None:
                return "busy-or-missing"
            if message.status in (OutboxMessage.Status.DONE, OutboxMessage.Status.FAILED):
                return message.status
            function = _handlers.get(message.kind)
            if function is None:
                raise LookupError(f"no handler for {message.kind}")
            function(**message.payload)
            message.attempts += 1
            message.status = OutboxMessage.Status.DONE
            message.done_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "status", "done_at", "last_error"])
            return message.status
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
        return _record_failure(message_id, error)


def _record_failure(message_id: str, error: Exception) -> str:
    with transaction.atomic():
        message = lock_row_or_none(OutboxMessage, message_id)
        if message is None or message.status in (
            OutboxMessage.Status.DONE,
            OutboxMessage.Status.FAILED,
        ):
            return message.status if message else "busy-or-missing"
        message.attempts += 1
        message.last_error = f"{type(error).__name__}: {str(error)[:200]}"
        if message.attempts >= max_attempts():
            message.status = OutboxMessage.Status.FAILED
            logger.error("outbox message failed for good", extra={"object_id": message_id})
        else:
            message.status = OutboxMessage.Status.PENDING
            message.available_at = timezone.now() + backoff(message.attempts)
        message.save(update_fields=["attempts", "last_error", "status", "available_at"])
        return message.status


def process_with_follow_ups(message_id: str) -> str:
    """Process a message, then the messages its handler enqueued (committed with it, already
    dispatched to this worker), theirs in turn, up to FOLLOW_UPS_PER_TASK; any left over go
    to the relay. Returns the first message's outcome."""
    queue, outcome, ran = [message_id], None, 0
    while queue:
        _running.follow_ups = []
        try:
            result = process(queue.pop(0))
            enqueued = _running.follow_ups
        finally:
            _running.follow_ups = None
        outcome = outcome or result
        if result == OutboxMessage.Status.DONE:
            queue += enqueued  # a failed handler's rows were rolled back with it
        ran += 1
        if ran > FOLLOW_UPS_PER_TASK and queue:
            _unclaim(queue)
            relay_soon()
            break
    return outcome


def process_batch(message_ids: list[str]) -> None:
    """The messages of one task, one after another, each with its follow-ups. A batch held
    up (a receiving agency's webhook timing out, message after message) hands the rest back
    to the relay well before they would count as stuck, so other workers take them."""
    give_back_at = time.monotonic() + settings.OUTBOX_STUCK_AFTER_SECONDS / 3
    for done, message_id in enumerate(message_ids):
        if time.monotonic() > give_back_at:
            _unclaim(message_ids[done:])
            relay_soon()
            return
        process_with_follow_ups(message_id)


def resend(message: OutboxMessage) -> None:
    """An administrator sends a failed message again."""
    with transaction.atomic():
        message = lock_row(OutboxMessage, message.pk)
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.available_at = timezone.now()
        message.save()
        _relay_after_commit()

"""The operator's figures (issue 10): is the machinery that carries side effects keeping up?

One call, `figures()`, answers with the outbox backlog, routing deliveries by state, the workers'
heartbeats, the Celery queue length and the beat schedule's last runs. Four aggregate queries
and one Redis LLEN whatever the data size, and nothing personal: counts, ages, host names and
task names only. The operations page and /metrics both show exactly these figures.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from . import broker
from .models import OutboxMessage, WorkerHeartbeat
from .periodic import ScheduledTask, scheduled_tasks

# A worker records a heartbeat every minute (beat), so two minutes without one means no worker
# is taking tasks; the outbox relay runs every ten seconds, so a due message waiting five
# minutes means nothing is draining it. Heartbeats older than the window are not shown.
HEARTBEAT_STALE_AFTER = timedelta(minutes=2)
PENDING_STALE_AFTER = timedelta(minutes=5)
HEARTBEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Heartbeat:
    hostname: str
    at: datetime
    age_seconds: float

    @property
    def stale(self) -> bool:
        return self.age_seconds > HEARTBEAT_STALE_AFTER.total_seconds()


@dataclass(frozen=True)
class Figures:
    at: datetime
    outbox_pending: int
    outbox_dispatched: int
    outbox_failed: int
    # Age of the oldest pending message that is due (waiting for a worker, not for its retry
    # time); None when nothing is due.
    oldest_pending_seconds: float | None
    deliveries: dict[str, int]  # every delivery state, with zero for the empty ones
    heartbeats: list[Heartbeat]  # latest per host within HEARTBEAT_WINDOW, by host name
    queue_length: int | None  # None: the broker did not answer
    periodic_tasks: list[ScheduledTask]

    @property
    def pending_stale(self) -> bool:
        return (self.oldest_pending_seconds or 0) > PENDING_STALE_AFTER.total_seconds()

    @property
    def deliveries_failed(self) -> int:
        return self.deliveries.get("failed", 0)

    @property
    def no_fresh_heartbeat(self) -> bool:
        return not any(not beat.stale for beat in self.heartbeats)

    @property
    def stale_periodic_tasks(self) -> list[ScheduledTask]:
        return [task for task in self.periodic_tasks if task.stale]


def _outbox(now: datetime) -> dict:
    Status = OutboxMessage.Status
    # Done rows are most of the table and not counted: the WHERE keeps to the (status,
    # available_at) index instead of scanning every message ever sent.
    return OutboxMessage.objects.filter(
        status__in=[Status.PENDING, Status.DISPATCHED, Status.FAILED]
    ).aggregate(
        pending=Count("pk", filter=Q(status=Status.PENDING)),
        dispatched=Count("pk", filter=Q(status=Status.DISPATCHED)),
        failed=Count("pk", filter=Q(status=Status.FAILED)),
        oldest_due=Min("available_at", filter=Q(status=Status.PENDING, available_at__lte=now)),
    )


def _deliveries() -> dict[str, int]:
    # Read by app label, not imported: routing sits above this bottom layer, and this summary
    # of the whole portal is the one place (like the root urls) that looks up at it.
    delivery = apps.get_model("routing", "RoutingDelivery")
    counts = dict.fromkeys(delivery.State.values, 0)
    rows = delivery.objects.order_by().values_list("state").annotate(count=Count("pk"))
    counts.update(dict(rows))
    return counts


def _heartbeats(now: datetime) -> list[Heartbeat]:
    rows = (
        WorkerHeartbeat.objects.filter(at__gte=now - HEARTBEAT_WINDOW)
        .values_list("hostname")
        .annotate(latest=Max("at"))
        .order_by("hostname")
    )
    return [
        Heartbeat(hostname=hostname, at=latest, age_seconds=max((now - latest).total_seconds(), 0))
        for hostname, latest in rows
    ]


def latest_heartbeat_age(now: datetime | None = None) -> float | None:
    """Seconds since any worker last recorded a heartbeat (None: never). One query."""
    now = now or timezone.now()
    latest = WorkerHeartbeat.objects.aggregate(latest=Max("at"))["latest"]
    return None if latest is None else max((now - latest).total_seconds(), 0)


def worker_alive(now: datetime | None = None) -> bool:
    age = latest_heartbeat_age(now)
    return age is not None and age <= HEARTBEAT_STALE_AFTER.total_seconds()


def figures(now: datetime | None = None) -> Figures:
    now = now or timezone.now()
    outbox = _outbox(now)
    oldest_due = outbox["oldest_due"]
    return Figures(
        at=now,
        outbox_pending=outbox["pending"],
        outbox_dispatched=outbox["dispatched"],
        outbox_failed=outbox["failed"],
        oldest_pending_seconds=None
        if oldest_due is None
        else max((now - oldest_due).total_seconds(), 0),
        deliveries=_deliveries(),
        heartbeats=_heartbeats(now),
        queue_length=broker.queue_length(),
        periodic_tasks=scheduled_tasks(now),
    )

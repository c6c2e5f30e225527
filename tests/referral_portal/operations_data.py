"""A hand-built data set with known figures for the operator's page and /metrics: outbox rows
of known ages, deliveries in each state, heartbeats of three hosts and two recorded beat runs.
Everything is placed relative to NOW; tests freeze the clock there with time-machine."""

from datetime import UTC, datetime, timedelta

from celery.schedules import crontab

from referral_portal.models import OutboxMessage, PeriodicTaskRun, WorkerHeartbeat
from routing.models import DeliveryState, RoutingDelivery
from tests.referrals.factories import stored_referral
from tests.routing.factories import district, reviewer

# 11:00 in New York (EDT), well away from a daylight-saving change.
NOW = datetime(2026, 6, 10, 15, 0, tzinfo=UTC)
METRICS_TOKEN = "test-metrics-token-5f2c9a"  # noqa: S105 - a test value

# The schedule the tests pin (settings.CELERY_BEAT_SCHEDULE grows as apps add tasks).
SCHEDULE = {
    "relay-outbox": {"task": "referral_portal.tasks.relay_outbox", "schedule": 10.0},
    "routing-deadlines": {
        "task": "routing.tasks.check_deadlines",
        "schedule": crontab(hour=7, minute=30),
    },
    "worker-heartbeat": {"task": "referral_portal.tasks.record_heartbeat", "schedule": 60.0},
}


def outbox(status, *, available=NOW, count=1):
    for _ in range(count):
        OutboxMessage.objects.create(kind="portal.heartbeat", status=status, available_at=available)


def build_outbox(scale=1):
    Status = OutboxMessage.Status
    outbox(Status.PENDING, available=NOW - timedelta(seconds=400))  # due, waiting 400 s
    outbox(Status.PENDING, available=NOW - timedelta(seconds=30), count=scale)
    outbox(Status.PENDING, available=NOW + timedelta(minutes=10))  # waits for its retry time
    outbox(Status.DISPATCHED, count=scale)
    outbox(Status.FAILED, count=2)
    outbox(Status.DONE, count=3 * scale)


def delivery(state: str) -> RoutingDelivery:
    albany = district()
    times = {"portal_delivered_at": NOW, "delivered_at": NOW} if state == "delivered" else {}
    return RoutingDelivery.objects.create(
        referral=stored_referral(),
        organization=albany.organization,
        destination=RoutingDelivery.Destination.DISTRICT,
        district=albany,
        appears_eligible=True,
        routed_by=reviewer(),
        state=state,
        **times,
    )


def build_deliveries(scale=1):
    delivery(DeliveryState.QUEUED)
    for _ in range(2 * scale):
        delivery(DeliveryState.DELIVERED)
    delivery(DeliveryState.FAILED)


def heartbeat(hostname, seconds_ago):
    WorkerHeartbeat.objects.create(
        hostname=hostname, pid=4242, at=NOW - timedelta(seconds=seconds_ago)
    )


def build_heartbeats(scale=1):
    for _ in range(scale):
        heartbeat("worker-a", 30)
        heartbeat("worker-a", 90)
        heartbeat("worker-b", 200)  # older than two minutes: stale
        heartbeat("worker-c", 15 * 60)  # outside the ten-minute window: not shown


def build_runs():
    PeriodicTaskRun.objects.update_or_create(
        task="referral_portal.tasks.relay_outbox",
        defaults={
            "last_started_at": NOW - timedelta(seconds=25),  # missed the runs at -15 and -5 s
            "last_finished_at": NOW - timedelta(seconds=24),
            "last_status": "success",
        },
    )
    PeriodicTaskRun.objects.update_or_create(
        task="routing.tasks.check_deadlines",
        defaults={
            "last_started_at": datetime(2026, 6, 9, 11, 30, tzinfo=UTC),  # yesterday 07:30 NY
            "last_finished_at": datetime(2026, 6, 9, 11, 31, tzinfo=UTC),
            "last_status": "failure",
        },
    )


def build_all(scale=1):
    build_outbox(scale)
    build_deliveries(scale)
    build_heartbeats(scale)
    build_runs()

"""Deliveries with real Celery worker processes and real Redis (Celery failure modes):
one delivery per destination; a worker child killed mid-delivery; Redis stopped while a case is
routed (and the delivery then seen waiting in Redis); a webhook receiver that fails twice."""

import base64
import json
import os
import signal
import threading
import time

import pytest
import redis
from django.core.cache import cache
from django.db import transaction

from referral_portal import outbox
from referral_portal.models import OutboxMessage
from referral_portal.tasks import relay_outbox
from referrals.models import EventKind, ReferralEvent
from routing import services
from routing.models import DeliveryState, RoutingDelivery, RoutingEndpoint
from tests.conftest import wait_for
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, receiving_user
from tests.routing.receiver import WebhookReceiver
from tests.routing.workers import DedicatedWorker, PrivateRedis, pool_children, publishing_to

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
SECRET = "routing-test-shared-secret-0123456789abcdef"


def _state(delivery):
    return RoutingDelivery.objects.get(pk=delivery.pk).state


def _delivered(*deliveries):
    return all(_state(d) == DeliveryState.DELIVERED for d in deliveries)


def _notified(delivery):
    return RoutingDelivery.objects.get(pk=delivery.pk).receivers_notified_at is not None


def _outbox_done():
    return not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists()


def test_a_routing_produces_exactly_one_delivery_per_destination(celery_worker_process):
    referral = confirmed_referral()
    receiving_user(district().organization)

    deliveries = route(referral, add_other=True)

    assert wait_for(lambda: _delivered(*deliveries) and all(_notified(d) for d in deliveries))
    assert wait_for(_outbox_done)
    rows = RoutingDelivery.objects.filter(referral=referral)
    assert rows.count() == 2
    assert sorted(rows.values_list("destination", flat=True)) == ["district", "rhtp_provider"]
    for delivery in rows:
        assert (
            OutboxMessage.objects.filter(
                kind=services.NOTIFY, payload__delivery_id=delivery.pk
            ).count()
            == 1
        )
    routed = ReferralEvent.objects.filter(referral=referral, kind=EventKind.ROUTED)
    assert routed.count() == 2


def test_killing_the_worker_child_mid_delivery_still_gives_exactly_one_effect(
    celery_worker_process,
):
    hold = threading.Event()
    with WebhookReceiver(secret=SECRET, hold_first=hold) as receiver:
        RoutingEndpoint.objects.create(
            organization=district().organization, url=receiver.url, secret=SECRET
        )
        [delivery] = route(confirmed_referral())
        assert receiver.first_arrived.wait(timeout=30), "the worker never called the webhook"
        [child] = pool_children(celery_worker_process.pid)

        os.kill(child, signal.SIGKILL)  # in the middle of the delivery's transaction
        hold.set()

        assert wait_for(lambda: _delivered(delivery), timeout=60)
        assert wait_for(_outbox_done)
    assert child not in pool_children(celery_worker_process.pid)  # a new child did the work
    delivery.refresh_from_db()
    assert delivery.attempts == 1  # the killed attempt's transaction was rolled back
    assert OutboxMessage.objects.filter(kind=services.NOTIFY).count() == 1
    assert ReferralEvent.objects.filter(kind=EventKind.ROUTED).count() == 1
    assert RoutingDelivery.objects.count() == 1
    # The receiver saw the killed attempt and its repeat, under one idempotency key.
    assert len(receiver.requests) == 2
    assert {r.key for r in receiver.requests} == {str(delivery.public_id)}
    assert all(r.signature_valid for r in receiver.requests)
    assert list(receiver.accepted) == [str(delivery.public_id)]


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


def _waiting_in_redis(broker) -> list[tuple[str, list]]:
    """The task messages waiting in Redis's default Celery queue: (task name, its arguments)."""
    waiting = []
    for raw in broker.lrange("celery", 0, -1):
        message = json.loads(raw)
        args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
        waiting.append((message["headers"]["task"], args))
    return waiting


def test_with_redis_stopped_routing_succeeds_and_all_is_delivered_once_it_is_back(
    private_redis, tmp_path, caplog
):
    broker = redis.Redis.from_url(private_redis.url)
    worker = DedicatedWorker(private_redis.url, tmp_path / "worker").start()
    try:
        with publishing_to(private_redis.url):
            referral = confirmed_referral()
            receiving_user(district().organization)
        # Idle before the outage: no relay waiting to start, so the next commit publishes one.
        assert wait_for(lambda: cache.get(outbox.RELAY_QUEUED_KEY) is None)
        private_redis.stop()

        with publishing_to(private_redis.url), caplog.at_level("WARNING", "referral_portal"):
            started = time.monotonic()
            [delivery] = route(referral)  # the reviewer's confirmation, Redis down
            elapsed = time.monotonic() - started

        assert elapsed < 3, f"the broker outage held the reviewer for {elapsed:.1f} s"
        assert "outbox fast path unavailable" in caplog.text  # it did try the stopped Redis
        assert _state(delivery) == DeliveryState.QUEUED
        row = OutboxMessage.objects.get(kind=services.DELIVER)
        assert row.status == "pending"

        # The worker is frozen (SIGSTOP), so what the relay hands over stays in Redis to be seen.
        os.killpg(worker.process.pid, signal.SIGSTOP)
        private_redis.start()  # same port and data directory: Redis is back
        with publishing_to(private_redis.url):
            assert relay_outbox.apply().get() == 1  # beat's relay, run here
        assert _waiting_in_redis(broker) == [
            ("referral_portal.tasks.deliver_outbox_messages", [[str(row.pk)]])
        ]
        assert OutboxMessage.objects.get(pk=row.pk).status == "dispatched"
        assert _state(delivery) == DeliveryState.QUEUED

        os.killpg(worker.process.pid, signal.SIGCONT)  # it reconnects and takes it from Redis
        assert wait_for(lambda: _delivered(delivery) and _notified(delivery), timeout=90)
        assert wait_for(_outbox_done, timeout=30)
        assert broker.llen("celery") == 0
    finally:
        if worker.process is not None:
            os.killpg(worker.process.pid, signal.SIGCONT)
        worker.stop()
    assert RoutingDelivery.objects.filter(referral=referral).count() == 1
    assert OutboxMessage.objects.filter(kind=services.NOTIFY).count() == 1


def test_a_webhook_that_fails_twice_accepts_exactly_one_signed_delivery(private_redis, tmp_path):
    worker = DedicatedWorker(
        private_redis.url,
        tmp_path / "worker",
        ROUTING_WEBHOOK_RETRY_BASE_SECONDS=0.5,
        ROUTING_WEBHOOK_MAX_ATTEMPTS=5,
    ).start()
    ticking = threading.Event()

    def beat():  # beat's relay_outbox every half second instead of every ten
        while not ticking.wait(0.5):
            relay_outbox.apply_async()

    try:
        with WebhookReceiver(secret=SECRET, fail_first=2) as receiver:
            RoutingEndpoint.objects.create(
                organization=district().organization, url=receiver.url, secret=SECRET
            )
            with publishing_to(private_redis.url):
                [delivery] = route(confirmed_referral())
                ticker = threading.Thread(target=beat, daemon=True)
                ticker.start()
                assert wait_for(lambda: _delivered(delivery), timeout=60)
                ticking.set()
                ticker.join()
    finally:
        ticking.set()
        worker.stop()

    delivery.refresh_from_db()
    assert delivery.attempts == 3
    assert [r.status for r in receiver.requests] == [500, 500, 200]
    assert all(r.signature_valid for r in receiver.requests)
    assert {r.key for r in receiver.requests} == {str(delivery.public_id)}
    assert list(receiver.accepted) == [str(delivery.public_id)]
    assert delivery.referral.legal_name not in receiver.accepted[str(delivery.public_id)].decode()


def test_enqueueing_inside_a_transaction_never_reaches_redis_before_commit(celery_worker_process):
    """The outbox row and the delivery row commit together or not at all."""
    referral = confirmed_referral()

    with pytest.raises(RuntimeError), transaction.atomic():
        route(referral)
        raise RuntimeError("confirmation failed")

    time.sleep(2)  # give a worker the chance to do something wrong
    assert not RoutingDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(kind=services.DELIVER).exists()

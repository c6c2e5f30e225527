"""The outbox hands a message to a worker only after the relay's transaction committed, relays
once per transaction, and gets work lost with a killed worker done again within a minute."""

import os
import signal
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from referral_portal import outbox
from referral_portal.models import OutboxMessage, WorkerHeartbeat
from routing import services
from routing.models import DeliveryState, RoutingDelivery, RoutingEndpoint
from tests.conftest import wait_for
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district
from tests.routing.receiver import WebhookReceiver
from tests.routing.workers import DedicatedWorker, PrivateRedis, publishing_to

SECRET = "outbox-test-shared-secret-0123456789abcdef"


def _messages(count: int) -> list[OutboxMessage]:
    return OutboxMessage.objects.bulk_create(
        OutboxMessage(kind="portal.heartbeat") for _ in range(count)
    )


def _process_elsewhere(message_id: str) -> str:
    """What a worker that starts the task at once sees: another process (here a thread with a
    database connection of its own) runs the message while the relay is still running."""
    result = {}

    def work():
        try:
            result["status"] = outbox.process(message_id)
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)
    return result["status"]


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_starts_each_message_at_once_finds_it_unlocked_a_thousand_times():
    _messages(1000)
    outcomes = []

    relayed = outbox.relay(lambda ids: outcomes.extend(_process_elsewhere(i) for i in ids))

    assert relayed == 1000
    assert outcomes == ["done"] * 1000  # never "busy-or-missing", so nothing waits for a sweep
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("done", 1)}
    assert WorkerHeartbeat.objects.count() == 1000


@pytest.mark.django_db(transaction=True)
def test_a_batch_the_broker_refused_goes_back_to_pending_for_the_next_relay():
    [message] = _messages(1)

    def broker_down(ids):
        raise ConnectionError("broker down")

    with pytest.raises(ConnectionError):
        outbox.relay(broker_down)

    message.refresh_from_db()
    assert (message.status, message.dispatched_at) == ("pending", None)
    assert outbox.relay(lambda ids: None) == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_dispatched_to_a_worker_that_died_is_due_again_after_the_stuck_timeout(
    settings, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    [message] = _messages(1)
    assert outbox.claim_due() == [str(message.pk)]

    time_machine.shift(settings.OUTBOX_STUCK_AFTER_SECONDS - 1)
    assert outbox.claim_due() == []
    time_machine.shift(2)
    assert outbox.claim_due() == [str(message.pk)]
    assert settings.OUTBOX_STUCK_AFTER_SECONDS + settings.OUTBOX_RELAY_INTERVAL_SECONDS <= 60


@pytest.mark.django_db
def test_a_transaction_that_enqueues_three_messages_relays_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for _ in range(3):
            outbox.enqueue("portal.heartbeat")

    assert len(callbacks) == 1


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


def _queued_tasks(redis_server) -> int:
    import redis

    return redis.Redis(port=redis_server.port).llen("celery")


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_commits_publishes_one_relay_while_one_is_waiting(private_redis):
    with publishing_to(private_redis.url):
        for _ in range(20):
            with transaction.atomic():
                outbox.enqueue("portal.heartbeat")

    assert _queued_tasks(private_redis) == 1  # no worker: the one relay is still waiting


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_thousand_messages_relayed_to_a_busy_worker_all_finish_without_the_sweep(
    private_redis, tmp_path
):
    # No beat: nothing but the fast path hands messages over, so a message stranded by the
    # relay's lock would stay dispatched and fail this test.
    worker = DedicatedWorker(private_redis.url, tmp_path / "worker", concurrency=2).start()
    try:
        # A worker records a heartbeat of its own when it starts; let that one land first.
        assert wait_for(lambda: WorkerHeartbeat.objects.count() == 1)
        with publishing_to(private_redis.url):
            for _ in range(100):
                with transaction.atomic():
                    for _ in range(10):
                        outbox.enqueue("portal.heartbeat")
            finished = wait_for(
                lambda: OutboxMessage.objects.filter(status="done").count() == 1000, timeout=120
            )
    finally:
        worker.stop()

    assert finished, OutboxMessage.objects.exclude(status="done").values("status").first()
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    assert WorkerHeartbeat.objects.count() == 1 + 1000


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_work_of_a_sigkilled_worker_is_done_within_a_minute_of_a_new_worker(
    private_redis, tmp_path
):
    hold = threading.Event()
    with WebhookReceiver(secret=SECRET, hold_first=hold) as receiver:
        RoutingEndpoint.objects.create(
            organization=district().organization, url=receiver.url, secret=SECRET
        )
        first = DedicatedWorker(private_redis.url, tmp_path / "first", beat=True).start()
        with publishing_to(private_redis.url):
            [delivery] = route(confirmed_referral())
        assert receiver.first_arrived.wait(timeout=30), "the worker never called the webhook"

        os.killpg(first.process.pid, signal.SIGKILL)  # the whole worker, beat included
        first.process.wait(timeout=10)
        hold.set()
        second = DedicatedWorker(private_redis.url, tmp_path / "second", beat=True).start()
        available = time.monotonic()
        try:
            delivered = wait_for(
                lambda: (
                    RoutingDelivery.objects.get(pk=delivery.pk).state == DeliveryState.DELIVERED
                ),
                timeout=75,
            )
            took = time.monotonic() - available
        finally:
            second.stop()

    assert delivered
    assert took <= 60, f"the killed worker's delivery took {took:.0f} s to be done again"
    assert list(receiver.accepted) == [str(delivery.public_id)]
    assert RoutingDelivery.objects.count() == 1
    assert OutboxMessage.objects.filter(kind=services.NOTIFY).count() == 1


# --- follow-ups: what a handler enqueues, the same worker runs next --------------------------
@outbox.handler("tests.outbox.first_step")
def _first_step(then: str = "tests.outbox.second_step"):
    outbox.enqueue(then)


@outbox.handler("tests.outbox.second_step")
def _second_step():
    pass


@outbox.handler("tests.outbox.endless")
def _endless():
    outbox.enqueue("tests.outbox.endless")


@outbox.handler("tests.outbox.fails_after_enqueueing")
def _fails_after_enqueueing():
    outbox.enqueue("tests.outbox.second_step")
    raise outbox.RetryLater("the outside world failed")


def _statuses():
    return sorted(OutboxMessage.objects.values_list("kind", "status"))


@pytest.mark.django_db(transaction=True)
def test_a_message_a_handler_enqueues_runs_in_the_same_task_without_a_relay(private_redis):
    from referral_portal.tasks import deliver_outbox_message

    with publishing_to(private_redis.url):
        with transaction.atomic():
            first = outbox.enqueue("tests.outbox.first_step")
        assert _queued_tasks(private_redis) == 1  # the person's commit: one relay

        assert deliver_outbox_message(str(first.pk)) == "done"

        assert _statuses() == [
            ("tests.outbox.first_step", "done"),
            ("tests.outbox.second_step", "done"),
        ]
        assert _queued_tasks(private_redis) == 1  # no relay, no task for the follow-up


@pytest.mark.django_db(transaction=True)
def test_one_task_runs_a_bounded_number_of_follow_ups_and_relays_the_rest(private_redis):
    from referral_portal.tasks import deliver_outbox_message

    with publishing_to(private_redis.url):
        first = outbox.enqueue("tests.outbox.endless")
        outbox.relay_started()  # that relay has started: the next one may be published

        deliver_outbox_message(str(first.pk))

        done = OutboxMessage.objects.filter(status="done").count()
        waiting = OutboxMessage.objects.filter(status="pending")
        assert done == outbox.FOLLOW_UPS_PER_TASK + 1
        assert waiting.count() == 1 and waiting.get().dispatched_at is None
        assert _queued_tasks(private_redis) == 2  # the first relay, and one for the rest


@pytest.mark.django_db(transaction=True)
def test_what_a_failed_handler_enqueued_is_rolled_back_and_never_run(private_redis):
    from referral_portal.tasks import deliver_outbox_message

    with publishing_to(private_redis.url):
        message = outbox.enqueue("tests.outbox.fails_after_enqueueing")

        assert deliver_outbox_message(str(message.pk)) == "pending"

    assert _statuses() == [("tests.outbox.fails_after_enqueueing", "pending")]


# --- batches: one task runs several messages ----------------------------------------------
def _queued_batches(redis_server) -> list[int]:
    """How many messages each task waiting in Redis carries."""
    import json

    import redis

    bodies = redis.Redis(port=redis_server.port).lrange("celery", 0, -1)
    tasks = [json.loads(body) for body in bodies]
    return sorted(len(json.loads(_body(task))[0][0]) for task in tasks)


def _body(task: dict) -> str:
    import base64

    return base64.b64decode(task["body"]).decode()


@pytest.mark.django_db(transaction=True)
def test_the_relay_hands_a_backlog_to_workers_in_batches(private_redis, settings):
    settings.OUTBOX_TASK_BATCH_SIZE = 50
    _messages(120)

    with publishing_to(private_redis.url):
        from referral_portal.tasks import relay_outbox

        assert relay_outbox.apply().get() == 120

    # Relay batches of 100: 50 + 50, then 20 in the second relay batch.
    assert _queued_batches(private_redis) == [20, 50, 50]


@outbox.handler("tests.outbox.slow")
def _slow():
    time.sleep(0.6)


@pytest.mark.django_db(transaction=True)
def test_a_batch_held_up_hands_the_rest_back_before_it_would_count_as_stuck(
    private_redis, settings
):
    from referral_portal.tasks import deliver_outbox_messages

    settings.OUTBOX_STUCK_AFTER_SECONDS = 3  # one second of a batch's time, then hand back
    with publishing_to(private_redis.url):
        messages = OutboxMessage.objects.bulk_create(
            OutboxMessage(kind="tests.outbox.slow") for _ in range(5)
        )
        claimed = outbox.claim_due()
        assert len(claimed) == 5

        deliver_outbox_messages(claimed)

    done = OutboxMessage.objects.filter(status="done").count()
    assert done == 2  # 0.6 s each: the third starts after the one-second budget
    handed_back = OutboxMessage.objects.filter(status="pending")
    assert handed_back.count() == 3
    assert all(row.dispatched_at is None for row in handed_back)
    assert _queued_tasks(private_redis) == 1  # a relay for the rest, published at once
    assert {str(m.pk) for m in messages} == set(claimed)

"""The operator's figures and page (issue 10): outbox backlog, deliveries, heartbeats, the
Celery queue and the beat schedule's last runs, computed with a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referral_portal.models import PeriodicTaskRun, WorkerHeartbeat
from referral_portal.operations import Figures, Heartbeat, figures
from referral_portal.periodic import ScheduledTask
from referral_portal.roles import Role
from referral_portal.tasks import deliver_outbox_message, relay_outbox
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.referral_portal.operations_data import NOW, build_all
from tests.routing.workers import DedicatedWorker, PrivateRedis

pytestmark = pytest.mark.django_db


EXPECTED_TASKS = [
    ScheduledTask(
        entry="relay-outbox",
        task="referral_portal.tasks.relay_outbox",
        period=timedelta(seconds=10),
        last_started_at=NOW - timedelta(seconds=25),
        last_finished_at=NOW - timedelta(seconds=24),
        last_status="success",
        stale=True,
    ),
    ScheduledTask(
        entry="routing-deadlines",
        task="routing.tasks.check_deadlines",
        period=timedelta(days=1),
        last_started_at=datetime(2026, 6, 9, 11, 30, tzinfo=UTC),
        last_finished_at=datetime(2026, 6, 9, 11, 31, tzinfo=UTC),
        last_status="failure",
        stale=False,
    ),
    ScheduledTask(
        entry="worker-heartbeat",
        task="referral_portal.tasks.record_heartbeat",
        period=timedelta(minutes=1),
        last_started_at=None,
        last_finished_at=None,
        last_status="",
        stale=False,
    ),
]


def test_the_figures_of_a_known_data_set(frozen_at_now, pinned_schedule, private_broker):
    build_all()

    assert figures() == Figures(
        at=NOW,
        outbox_pending=3,
        outbox_dispatched=1,
        outbox_failed=2,
        oldest_pending_seconds=400.0,
        deliveries={"queued": 1, "delivered": 2, "failed": 1},
        heartbeats=[
            Heartbeat(hostname="worker-a", at=NOW - timedelta(seconds=30), age_seconds=30.0),
            Heartbeat(hostname="worker-b", at=NOW - timedelta(seconds=200), age_seconds=200.0),
        ],
        queue_length=3,
        periodic_tasks=EXPECTED_TASKS,
    )


def test_the_warnings_of_a_known_data_set(frozen_at_now, pinned_schedule, private_broker):
    build_all()

    result = figures()

    assert result.pending_stale is True  # 400 s > 5 minutes
    assert [beat.stale for beat in result.heartbeats] == [False, True]
    assert result.no_fresh_heartbeat is False  # worker-a is fresh
    assert [task.entry for task in result.stale_periodic_tasks] == ["relay-outbox"]
    assert result.deliveries_failed == 1


def test_a_daily_task_is_stale_once_it_missed_two_runs(frozen_at_now, pinned_schedule):
    # Last run three days ago at 07:30 New York: the runs of the last two mornings were missed.
    PeriodicTaskRun.objects.create(
        task="routing.tasks.check_deadlines",
        last_started_at=datetime(2026, 6, 7, 11, 30, tzinfo=UTC),
        last_status="success",
    )

    [task] = [task for task in figures().periodic_tasks if task.entry == "routing-deadlines"]

    assert task.stale is True


def test_an_empty_portal_with_the_broker_down(frozen_at_now, pinned_schedule, private_broker):
    private_broker.stop()

    result = figures()

    assert (result.outbox_pending, result.oldest_pending_seconds, result.queue_length) == (
        0,
        None,
        None,
    )
    assert result.deliveries == {"queued": 0, "delivered": 0, "failed": 0}
    assert result.heartbeats == []
    assert result.no_fresh_heartbeat is True
    assert result.pending_stale is False


def test_the_page_shows_the_figures_and_warnings_to_an_administrator(
    client, frozen_at_now, pinned_schedule, private_broker
):
    build_all()
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    response = client.get(reverse("security:operations"))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Pending</th><td>3</td>' in page
    assert '<th scope="row">Failed</th><td>2</td>' in page
    assert '<td>400 seconds <span class="portal-tag portal-tag--danger">Stale</span></td>' in page
    assert '<th scope="row">Delivered</th><td>2</td>' in page
    assert "<code>worker-a</code>" in page and "<code>worker-b</code>" in page
    assert "worker-c" not in page
    assert "Tasks waiting in the queue: 3." in page
    assert "<td>every 10 seconds</td>" in page and "<td>every day</td>" in page
    assert "<td>every minute</td>" in page and "No run recorded" in page
    assert "An outbox message has waited more than 5 minutes for a worker." in page
    assert "Scheduled task <code>relay-outbox</code> has missed two runs in a row." in page
    assert "1 routing delivery failed." in page
    assert f'href="{reverse("routing:delivery_list")}?state=failed"' in page
    assert "No worker has recorded a heartbeat" not in page
    assert page.count("<caption") == 4


def test_the_page_says_when_there_is_nothing_to_worry_about(client, frozen_at_now, pinned_schedule):
    WorkerHeartbeat.objects.create(hostname="worker-a", pid=1, at=NOW - timedelta(seconds=5))
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    page = client.get(reverse("security:operations")).content.decode()

    assert "No warnings: workers, outbox and scheduled tasks are keeping up." in page


def test_the_home_page_links_administrators_to_it(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))

    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("security:operations")}"' in page


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_see_the_page(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("security:operations")).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_figures_cost_four_queries_whatever_the_data_size(
    frozen_at_now, pinned_schedule, django_assert_num_queries
):
    build_all()
    with django_assert_num_queries(4):  # outbox, deliveries, heartbeats, beat runs
        figures()

    build_all(scale=5)
    with django_assert_num_queries(4):
        figures()


def test_the_page_costs_the_same_queries_whatever_the_data_size(
    client, frozen_at_now, pinned_schedule, django_assert_max_num_queries
):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    url = reverse("security:operations")
    client.get(url)  # the session's first request records its sign-in details
    build_all()
    small = _queries(client, url)

    build_all(scale=5)
    with django_assert_max_num_queries(small):
        client.get(url)
    assert _queries(client, url) == small


def test_a_scheduled_task_records_its_run(frozen_at_now, pinned_schedule):
    relay_outbox.apply()

    run = PeriodicTaskRun.objects.get()
    assert (run.task, run.last_started_at, run.last_finished_at, run.last_status) == (
        "referral_portal.tasks.relay_outbox",
        NOW,
        NOW,
        "success",
    )


def test_a_second_run_updates_the_same_row(pinned_schedule):
    with time_machine.travel(NOW, tick=False):
        relay_outbox.apply()
    with time_machine.travel(NOW + timedelta(seconds=10), tick=False):
        relay_outbox.apply()

    run = PeriodicTaskRun.objects.get()
    assert (run.last_started_at, run.last_finished_at) == (
        NOW + timedelta(seconds=10),
        NOW + timedelta(seconds=10),
    )


def test_a_failed_run_is_recorded_as_a_failure(frozen_at_now, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "deliver": {"task": "referral_portal.tasks.deliver_outbox_message", "schedule": 10.0}
    }

    deliver_outbox_message.apply(args=["not-a-message-id"])

    run = PeriodicTaskRun.objects.get()
    assert (run.task, run.last_started_at, run.last_status) == (
        "referral_portal.tasks.deliver_outbox_message",
        NOW,
        "failure",
    )


def test_tasks_outside_the_schedule_are_not_recorded(frozen_at_now, pinned_schedule):
    deliver_outbox_message.apply(args=["00000000-0000-0000-0000-000000000000"])

    assert PeriodicTaskRun.objects.count() == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_records_a_heartbeat_as_soon_as_it_starts(tmp_path):
    redis_server = PrivateRedis(tmp_path / "redis").start()
    worker = DedicatedWorker(redis_server.url, tmp_path / "worker")
    try:
        worker.start()
        beat = wait_for(lambda: WorkerHeartbeat.objects.first(), timeout=30)
    finally:
        worker.stop()
        redis_server.stop()

    assert beat is not None, "the worker wrote no heartbeat on start"
    assert PeriodicTaskRun.objects.get().task == "referral_portal.tasks.record_heartbeat"

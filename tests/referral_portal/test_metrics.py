"""/metrics: the operator's figures for Prometheus, behind a bearer token, 404 otherwise."""

import pytest
from django.urls import reverse

from referral_portal.models import WorkerHeartbeat
from tests.referral_portal.operations_data import METRICS_TOKEN, NOW, build_all

pytestmark = pytest.mark.django_db

RIGHT = {"HTTP_AUTHORIZATION": f"Bearer {METRICS_TOKEN}"}

# 1781103575.0 is NOW less 25 s (relay-outbox's last start); 1781004600.0 is 2026-06-09 11:30
# UTC (routing-deadlines' last start). The heartbeat task has not run: no timestamp line.
EXPECTED = """\
# HELP portal_outbox_messages Outbox messages not yet done, by status.
# TYPE portal_outbox_messages gauge
portal_outbox_messages{status="pending"} 3
portal_outbox_messages{status="dispatched"} 1
portal_outbox_messages{status="failed"} 2
# HELP portal_outbox_oldest_pending_seconds Age of the oldest pending outbox message that is due (0 when none is).
# TYPE portal_outbox_oldest_pending_seconds gauge
portal_outbox_oldest_pending_seconds 400.0
# HELP portal_routing_deliveries Routing deliveries by state.
# TYPE portal_routing_deliveries gauge
portal_routing_deliveries{state="queued"} 1
portal_routing_deliveries{state="delivered"} 2
portal_routing_deliveries{state="failed"} 1
# HELP portal_worker_heartbeat_age_seconds Seconds since each worker host's latest heartbeat (hosts seen in the last 10 minutes).
# TYPE portal_worker_heartbeat_age_seconds gauge
portal_worker_heartbeat_age_seconds{hostname="worker-a"} 30.0
portal_worker_heartbeat_age_seconds{hostname="worker-b"} 200.0
# HELP portal_broker_up Whether the Celery broker answered within a second (1) or not (0).
# TYPE portal_broker_up gauge
portal_broker_up 1
# HELP portal_celery_queue_length Task messages waiting in the default Celery queue (absent when the broker is down).
# TYPE portal_celery_queue_length gauge
portal_celery_queue_length 3
# HELP portal_periodic_task_last_run_timestamp_seconds When each scheduled task last started, as a Unix time (absent before its first run).
# TYPE portal_periodic_task_last_run_timestamp_seconds gauge
portal_periodic_task_last_run_timestamp_seconds{task="referral_portal.tasks.relay_outbox"} 1781103575.0
portal_periodic_task_last_run_timestamp_seconds{task="routing.tasks.check_deadlines"} 1781004600.0
# HELP portal_periodic_task_stale Whether each scheduled task has missed two scheduled runs in a row (1) or not (0).
# TYPE portal_periodic_task_stale gauge
portal_periodic_task_stale{task="referral_portal.tasks.relay_outbox"} 1
portal_periodic_task_stale{task="routing.tasks.check_deadlines"} 0
portal_periodic_task_stale{task="referral_portal.tasks.record_heartbeat"} 0
"""  # noqa: E501 - the exact exposition lines


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = METRICS_TOKEN


def test_the_figures_in_the_prometheus_text_format(
    client, token, frozen_at_now, pinned_schedule, private_broker
):
    build_all()

    response = client.get(reverse("metrics"), **RIGHT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert response.content.decode() == EXPECTED


def test_the_broker_down_is_a_zero_and_no_queue_length(
    client, token, frozen_at_now, pinned_schedule, private_broker
):
    private_broker.stop()

    lines = client.get(reverse("metrics"), **RIGHT).content.decode().splitlines()

    assert "portal_broker_up 0" in lines
    assert [line for line in lines if line.startswith("portal_celery_queue_length")] == []


def test_label_values_are_escaped(client, token, frozen_at_now, pinned_schedule):
    WorkerHeartbeat.objects.create(hostname='odd "host"\\one\nx', pid=1, at=NOW)

    lines = client.get(reverse("metrics"), **RIGHT).content.decode().splitlines()

    assert 'portal_worker_heartbeat_age_seconds{hostname="odd \\"host\\"\\\\one\\nx"} 0.0' in lines


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"HTTP_AUTHORIZATION": f"Basic {METRICS_TOKEN}"},
        {"HTTP_AUTHORIZATION": f"Bearer {METRICS_TOKEN}x"},
        {"HTTP_AUTHORIZATION": "Bearer"},
    ],
    ids=["none", "wrong", "not-bearer", "longer", "empty"],
)
def test_without_the_token_it_is_not_there(client, token, headers):
    response = client.get(reverse("metrics"), **headers)

    assert response.status_code == 404
    assert "portal_" not in response.content.decode()


def test_without_a_configured_token_nobody_gets_in(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ").status_code == 404
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer x").status_code == 404


def test_a_scrape_costs_four_queries_whatever_the_data_size(
    client, token, frozen_at_now, pinned_schedule, django_assert_num_queries
):
    build_all()
    with django_assert_num_queries(4):
        assert client.get(reverse("metrics"), **RIGHT).status_code == 200

    build_all(scale=5)
    with django_assert_num_queries(4):
        assert client.get(reverse("metrics"), **RIGHT).status_code == 200

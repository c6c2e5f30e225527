"""/healthz is public and cheap (database and broker, kept for a few seconds in the process);
/healthz/detail adds the worker's heartbeat and needs the metrics token."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from referral_portal import health
from referral_portal.models import WorkerHeartbeat
from referral_portal.tasks import record_heartbeat
from tests.conftest import wait_for
from tests.referral_portal.operations_data import METRICS_TOKEN

pytestmark = pytest.mark.django_db

UP = {"status": "ok", "database": "up", "broker": "up"}
TOKEN = {"HTTP_AUTHORIZATION": f"Bearer {METRICS_TOKEN}"}


@pytest.fixture(autouse=True)
def _fresh_answer(monkeypatch):
    """Each test starts with no remembered answer, and leaves none behind for other tests."""
    monkeypatch.setattr(health, "_last", None)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = METRICS_TOKEN


def test_healthz_reports_database_and_broker_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == UP
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_second_call_within_five_seconds_asks_nothing(client, django_assert_num_queries):
    client.get("/healthz")

    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.json() == UP


def test_redis_stopped_is_degraded_quickly_and_remembered_for_five_seconds(client, private_broker):
    private_broker.stop()

    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert elapsed < 2
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "up", "broker": "down"}

    private_broker.start()
    assert client.get("/healthz").status_code == 503  # the remembered answer
    time.sleep(max(0, health.CACHE_SECONDS - (time.monotonic() - started)) + 0.1)
    assert client.get("/healthz").json() == UP


def test_the_worker_check_is_not_public(client):
    assert client.get("/healthz").json().keys() == {"status", "database", "broker"}
    assert client.get("/healthz/detail").status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong", f"Token {METRICS_TOKEN}"])
def test_the_detail_needs_the_token(client, token, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    assert client.get("/healthz/detail", **headers).status_code == 404


def test_the_detail_is_closed_without_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/healthz/detail", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_the_detail_reports_a_fresh_heartbeat_as_a_worker_up(client, token):
    WorkerHeartbeat.objects.create(hostname="worker-a", pid=1, at=timezone.now())

    response = client.get("/healthz/detail", **TOKEN)

    assert response.status_code == 200
    assert response.json() == {**UP, "worker": "up"}


@pytest.mark.parametrize("age", [timedelta(minutes=3), None], ids=["stale", "never"])
def test_the_detail_reports_no_fresh_heartbeat_as_a_worker_down(client, token, age):
    if age is not None:
        WorkerHeartbeat.objects.create(hostname="worker-a", pid=1, at=timezone.now() - age)

    response = client.get("/healthz/detail", **TOKEN)

    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "up",
        "broker": "up",
        "worker": "down",
    }


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_detail_sees_a_real_worker(client, token, celery_worker_process):
    record_heartbeat.delay()
    assert wait_for(lambda: WorkerHeartbeat.objects.exists()), "the worker wrote no heartbeat"

    response = client.get("/healthz/detail", **TOKEN)

    assert response.json() == {**UP, "worker": "up"}

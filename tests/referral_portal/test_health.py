import pytest

from referral_portal.celery import app as celery_app

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_reports_database_broker_and_worker_up(client, celery_worker_process):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "broker": "up",
        "worker": "up",
    }


def test_healthz_reports_a_broker_that_cannot_be_reached(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "up"

"""With Redis stopped (the cache and the broker), people can still sign in, and still only so
many times, and every save of what they typed works: each wizard step, an answer to a request
for information, an outcome report. The cache falls back to this process's memory."""

import logging

import pytest
from django.urls import reverse

from referrals.forms import FORM_STEPS
from referrals.models import Referral
from routing.models import OutcomeReport
from tests.accounts.conftest import totp_code
from tests.confirmations import helpers
from tests.factories import PASSWORD, UserFactory
from tests.referrals.builders import draft
from tests.referrals.steps import step_data
from tests.routing.conftest import albany_case  # noqa: F401 - a fixture used below
from tests.routing.workers import PrivateRedis, publishing_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_stopped(tmp_path, settings):
    """Cache and broker on a Redis of this test's own, which is then stopped."""
    server = PrivateRedis(tmp_path / "redis").start()
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": server.url.replace("/0", "/1")}
    }
    from django.core.cache import cache

    cache.set("probe", 1)  # the cache really is on that server while it runs
    assert cache.get("probe") == 1
    server.stop()
    with publishing_to(server.url):
        yield server


def _fell_back(caplog) -> bool:
    return any(r.getMessage().startswith("Redis cache unavailable") for r in caplog.records)


def test_sign_in_works_with_redis_stopped(client, redis_stopped, caplog):
    person = UserFactory()
    caplog.set_level(logging.WARNING)

    password = client.post(
        reverse("account_login"), {"login": person.username, "password": PASSWORD}
    )
    code = client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})

    assert password.status_code == 302
    assert password["Location"] == reverse("mfa_authenticate")
    assert code.status_code == 302
    assert client.get(reverse("home")).context["user"] == person
    assert _fell_back(caplog)


def test_wrong_authenticator_codes_are_still_limited_with_redis_stopped(client, redis_stopped):
    person = UserFactory()
    client.post(reverse("account_login"), {"login": person.username, "password": PASSWORD})

    wrong = [client.post(reverse("mfa_authenticate"), {"code": "000000"}) for _ in range(5)]
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})

    assert [response.status_code for response in wrong] == [200] * 5
    assert "Too many attempts" not in wrong[-1].content.decode()
    assert "Too many attempts" in right.content.decode()  # the right code, refused for now
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_every_wizard_step_saves_with_redis_stopped(client, redis_stopped, caplog):
    referral = draft()
    client.force_login(referral.created_by)
    typed = step_data()
    caplog.set_level(logging.WARNING)

    for step in FORM_STEPS:
        url = reverse("referrals:step", args=[referral.public_id, step.slug])
        response = client.post(url, typed[step.slug])
        assert response.status_code == 302, (step.slug, response.content.decode()[:500])

    saved = Referral.objects.get(pk=referral.pk)
    assert saved.legal_name == typed["person"]["legal_name"]
    assert saved.narrative == typed["trafficking"]["narrative"]
    assert _fell_back(caplog)


def test_an_attachment_uploads_with_redis_stopped(client, redis_stopped):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.referrals import files

    referral = draft()
    client.force_login(referral.created_by)
    url = reverse("referrals:step", args=[referral.public_id, "attachments"])

    response = client.post(
        url,
        {
            "action": "upload",
            "kind": "other",
            "file": SimpleUploadedFile("consent.pdf", files.pdf()),
        },
    )

    assert response.status_code == 302
    assert referral.attachments.count() == 1


def test_an_answer_to_a_request_for_information_saves_with_redis_stopped(client, redis_stopped):
    request = helpers.information_requested()
    referral = request.referral
    client.force_login(referral.submitted_by)
    url = reverse("referrals:answer", args=[referral.public_id, request.public_id])

    response = client.post(url, {"response": "On a farm in Albany County."})

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.response == "On a farm in Albany County."


def test_an_outcome_report_saves_with_redis_stopped(client, albany_case, redis_stopped):  # noqa: F811
    delivery, user = albany_case
    client.force_login(user)
    url = reverse("routing:report_outcome", args=[delivery.public_id])
    data = {
        "outcome": "contacted",
        "note": "Met at the office",
        "attempts-TOTAL_FORMS": "4",
        "attempts-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:1000]
    assert OutcomeReport.objects.get(delivery=delivery).outcome == "contacted"

"""Idempotency keys, ETags, rate limits, body limits, and the wall between the API and the
pages."""

import pytest
from django.test import Client, override_settings

from referrals.models import Referral
from tests.api.builders import steps
from tests.api.conftest import provider_organization
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_retried_post_returns_the_first_answer_and_creates_nothing_more(referrer_api):
    first = referrer_api.post("/api/v1/referrals/", key="retry-0001")
    again = referrer_api.post("/api/v1/referrals/", key="retry-0001")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Referral.objects.count() == 1


def test_a_key_reused_for_another_request_is_refused(referrer_api):
    referral_id = referrer_api.post("/api/v1/referrals/", key="reuse-0001").json()["id"]

    response = referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/", key="reuse-0001")

    assert response.status_code == 422
    assert Referral.objects.get(public_id=referral_id).status == "draft"


def test_keys_belong_to_one_client(referrer_api):
    from tests.api.conftest import Api, new_client

    other = Api(new_client(provider_organization()))
    referrer_api.post("/api/v1/referrals/", key="shared-0001")

    response = other.post("/api/v1/referrals/", key="shared-0001")

    assert response.status_code == 201
    assert Referral.objects.count() == 2


def test_a_post_without_an_idempotency_key_is_refused(referrer_api):
    response = referrer_api.http.post(
        "/api/v1/referrals/",
        "{}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {referrer_api.token}"},
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert not Referral.objects.exists()


def test_reads_carry_an_etag_and_answer_304_when_unchanged(referrer_api):
    referral_id = referrer_api.post("/api/v1/referrals/").json()["id"]
    first = referrer_api.get(f"/api/v1/referrals/{referral_id}/")

    same = referrer_api.get(f"/api/v1/referrals/{referral_id}/", **{"If-None-Match": first["ETag"]})
    for step, body in steps().items():
        referrer_api.patch(f"/api/v1/referrals/{referral_id}/steps/{step}/", body)
    referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")
    changed = referrer_api.get(
        f"/api/v1/referrals/{referral_id}/", **{"If-None-Match": first["ETag"]}
    )

    assert (same.status_code, same["ETag"], same.content) == (304, first["ETag"], b"")
    assert first["Cache-Control"] == "no-store"
    assert (changed.status_code, changed.json()["status"]) == (200, "submitted")
    assert changed["ETag"] != first["ETag"]


@override_settings(API_REQUESTS_PER_CLIENT="3/h")
def test_each_client_has_its_own_rate_limit_answered_with_429_and_retry_after(referrer_api):
    from tests.api.conftest import Api, new_client

    answers = [referrer_api.get("/api/v1/referrals/").status_code for _ in range(4)]
    refused = referrer_api.get("/api/v1/referrals/")
    other = Api(new_client(provider_organization())).get("/api/v1/referrals/")

    assert answers == [200, 200, 200, 429]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert other.status_code == 200


def test_json_reaches_the_api_but_pages_still_refuse_a_body_that_is_not_a_form(referrer_api):
    """referral_portal/request_body.py lets JSON through for /api/v1/ only."""
    api = referrer_api.post("/api/v1/referrals/")
    person = UserFactory()
    browser = Client()
    browser.force_login(person)

    page = browser.post("/referrals/start/", '{"a": 1}', content_type="application/json")

    assert api.status_code == 201
    assert page.status_code == 400


def test_an_api_token_opens_no_page(referrer_api):
    response = Client().get(
        "/referrals/", headers={"Authorization": f"Bearer {referrer_api.token}"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_clients_account_cannot_sign_in(referrer_api):
    account = referrer_api.client.service_account

    assert not account.has_usable_password()
    assert not Client().login(username=account.username, password="")

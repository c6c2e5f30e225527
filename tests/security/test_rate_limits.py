"""Rate limits answer 429 with a plain-language page (ASVS V2.4.1, V6.3.1, V16.3.3)."""

import logging

import pytest
from django.core.cache import caches
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from faker import Faker

from accounts.models import Organization
from referral_portal.ratelimits import parse_rate, rate_limited
from referral_portal.roles import Role
from tests.accounts.conftest import application_data  # noqa: F401 - a fixture used below
from tests.factories import UserFactory

fake = Faker()
pytestmark = pytest.mark.django_db


def _assert_friendly_429(response):
    assert response.status_code == 429
    body = response.content.decode()
    assert "<h1>Too many attempts</h1>" in body
    assert "try again" in body
    assert "1-888-373-7888" in body  # the portal's own layout, not a bare error


def test_sign_in_answers_429_after_twenty_failures_from_one_address(client):
    """The per-address sign-in delay (accounts/signin_delays.py, kept in PostgreSQL) replaced
    allauth's cache-based 30 attempts a minute: twenty failures are free, then each further
    attempt from the address waits, whatever username it tries."""
    url = reverse("account_login")
    for number in range(20):
        response = client.post(url, {"login": f"{fake.user_name()}{number}", "password": "x" * 15})
        assert response.status_code == 200
    response = client.post(url, {"login": fake.user_name() + "-new", "password": "x" * 15})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 30
    body = response.content.decode()
    assert "Signing in is paused" in body
    assert "Try again after" in body
    assert "1-888-373-7888" in body  # the portal's own layout, not a bare error


def test_password_reset_answers_429_after_five_requests_for_one_address(client):
    url = reverse("account_reset_password")
    email = fake.email()
    for _ in range(5):
        assert client.post(url, {"email": email}).status_code == 302
    _assert_friendly_429(client.post(url, {"email": email}))


def test_applying_for_access_answers_the_same_429_page_past_the_rate(
    client,
    settings,
    application_data,  # noqa: F811 - the fixture imported above
):
    """The public application form (accounts.views.apply) is limited per address by the
    portal's one rate limiter: complete applications only, and the same page as every other
    limit, not a form error."""
    settings.ACCOUNTS_APPLY_RATE = "2/h"
    url = reverse("accounts:apply")

    def apply(ip="198.51.100.20", **changes):
        data = {
            **application_data,
            "name": fake.company(),
            "admin_email": fake.unique.email(),
            **changes,
        }
        return client.post(url, data, REMOTE_ADDR=ip)

    before = Organization.objects.count()
    assert apply(name="").status_code == 200  # an incomplete form is not counted
    assert [apply().status_code for _ in range(2)] == [302, 302]
    refused = apply()

    _assert_friendly_429(refused)
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert Organization.objects.count() == before + 2
    assert apply(ip="198.51.100.21").status_code == 302  # another address


def _view(request):
    return HttpResponse("done")


def _post(view, *, ip="198.51.100.7", user=None, method="post"):
    request = getattr(RequestFactory(), method)("/apply/", REMOTE_ADDR=ip)
    request.user = user if user is not None else _anonymous()
    return view(request)


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_the_decorator_refuses_past_the_rate_with_a_clear_page_and_retry_after():
    view = rate_limited(key="ip", rate="3/h", group="test-apply")(_view)

    assert [_post(view).status_code for _ in range(3)] == [200, 200, 200]
    response = _post(view)

    _assert_friendly_429(response)
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "minute" in response.content.decode()
    assert _post(view, ip="198.51.100.8").status_code == 200  # another address has its own


def test_reading_a_form_is_not_counted_by_default():
    view = rate_limited(key="ip", rate="1/h", group="test-get")(_view)

    assert [_post(view, method="get").status_code for _ in range(5)] == [200] * 5
    assert _post(view).status_code == 200
    assert _post(view).status_code == 429


def test_user_keys_count_each_person_separately_and_groups_do_not_share():
    first, second = UserFactory(role=Role.REFERRER), UserFactory(role=Role.REFERRER)
    upload = rate_limited(key="user", rate="2/m", group="test-upload")(_view)
    other = rate_limited(key="user", rate="2/m", group="test-other")(_view)

    assert [_post(upload, user=first).status_code for _ in range(3)] == [200, 200, 429]
    assert _post(upload, user=second).status_code == 200
    assert _post(other, user=first).status_code == 200


def test_cache_keys_hold_no_address_and_hits_are_logged_without_one(caplog):
    view = rate_limited(key="ip", rate="1/m", group="test-log")(_view)
    _post(view, ip="192.0.2.55")

    with caplog.at_level(logging.WARNING, logger="referral_portal.ratelimits"):
        assert _post(view, ip="192.0.2.55").status_code == 429

    client = caches["default"]._cache.get_client()
    keys = [key.decode() for key in client.keys("*ratelimit*")]
    assert keys and not any("192.0.2.55" in key for key in keys)
    (record,) = caplog.records
    assert record.event == "rate_limited" and "192.0.2.55" not in record.getMessage()


@pytest.mark.parametrize("rate", ["10", "ten/h", "10/y", "/h"])
def test_a_malformed_rate_fails_at_import_time(rate):
    with pytest.raises(ValueError):
        rate_limited(key="ip", rate=rate, group="bad")


def test_rates_parse():
    assert parse_rate("10/h") == (10, 3600)
    assert parse_rate("5/15m") == (5, 900)
    with pytest.raises(ValueError):
        rate_limited(key="email", rate="1/h", group="bad")

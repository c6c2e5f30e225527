"""Behind TRUSTED_PROXY_COUNT reverse proxies, the caller's address is the X-Forwarded-For hop
that the outermost proxy saw, never an entry the caller wrote: for the access log, the portal's
rate limits and allauth alike."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory
from django.urls import reverse

from access_log.models import AccessLog
from referral_portal.client_ip import client_ip
from referral_portal.ratelimits import hit
from tests.accounts.conftest import application_data  # noqa: F401 - a fixture used below
from tests.referrals.builders import submitted

PROXY = "10.0.0.2"


def _request(forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.7", PROXY),  # reached directly: the header is the caller's own words
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # the caller wrote 6.6.6.6
        (2, "6.6.6.6, 198.51.100.7, 10.0.0.9", "198.51.100.7"),
        (1, None, PROXY),  # did not pass through the proxy: the peer is the caller
        (2, "198.51.100.7", PROXY),
        (1, "not-an-address", None),
    ],
)
def test_the_callers_address_is_the_hop_the_outermost_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies

    assert client_ip(_request(forwarded)) == expected


def test_allauth_is_told_the_same_number_of_proxies(settings):
    from referral_portal.settings import base

    assert base.ALLAUTH_TRUSTED_PROXY_COUNT == base.TRUSTED_PROXY_COUNT
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = _request("6.6.6.6, 198.51.100.7")

    assert get_adapter().get_client_ip(request) == client_ip(request) == "198.51.100.7"


def test_one_caller_behind_the_proxy_spends_only_their_own_budget(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first, second = "198.51.100.7", "203.0.113.9"

    spent = [hit(_request(first), key="ip", rate="2/h", group="test") for _ in range(3)]
    spoofed = hit(_request(f"192.0.2.{len(spent)}, {first}"), key="ip", rate="2/h", group="test")
    other = hit(_request(second), key="ip", rate="2/h", group="test")

    assert spent == [False, False, True]
    assert spoofed is True  # a made-up leftmost entry does not buy a new budget
    assert other is False  # another person behind the same proxy is not blocked


@pytest.mark.django_db
def test_applications_are_limited_per_caller_not_per_proxy(
    client,
    settings,
    application_data,  # noqa: F811 - the fixture imported above
    faker,
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNTS_APPLY_RATE = "1/h"

    def apply(forwarded):
        application_data.update(name=faker.company(), admin_email=faker.unique.email())
        return client.post(
            reverse("accounts:apply"),
            application_data,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    assert apply("198.51.100.7") == 302
    assert apply("6.6.6.6, 198.51.100.7") == 429
    assert apply("203.0.113.9") == 302


@pytest.mark.django_db
def test_the_access_log_records_the_callers_address_not_the_proxys(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    referral = submitted()
    client.force_login(referral.submitted_by)

    response = client.get(
        reverse("referrals:detail", args=[referral.public_id]),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )

    assert response.status_code == 200
    assert AccessLog.objects.get().ip_address == "198.51.100.7"

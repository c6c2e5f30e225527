"""Every URL x every role: the access table in referral_portal/access.py decides, and a URL
missing from it fails here. Object URLs are tried with ids that match nothing, which must be a
404 (never a 403 that confirms a record exists, never a 500)."""

import pytest

from referral_portal.access import rule_for
from referral_portal.roles import Role
from tests.conftest import ensure_reference_data
from tests.factories import UserFactory
from tests.security.urls_walk import portal_urls

URLS = portal_urls()
# /metrics and /healthz/detail answer 404 to anyone without the METRICS_TOKEN bearer token (as
# here), so they do not advertise themselves; the public /healthz needs no worker and is a 200.
# allauth answers 404 for recovery codes a person has not generated yet.
ALSO_ALLOWED = {
    "metrics": {404},
    "healthz_detail": {404},
    "mfa_view_recovery_codes": {404},
    "mfa_download_recovery_codes": {404},
    # The admin's autocomplete refuses a request without its query parameters.
    "admin:autocomplete": {403},
}
ROLES = [None, *Role.values]  # None: anonymous


def test_every_url_has_an_access_rule():
    missing = sorted({url.name for url in URLS if rule_for(url.name) is None})
    assert missing == [], f"Add these URL names to referral_portal/access.py RULES: {missing}"


@pytest.fixture(scope="module")
def people(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_reference_data()  # a transactional test run before this module flushed it
        yield {role: UserFactory(role=role, username=f"matrix-{role}") for role in Role.values}


def _expected(rule, role, has_parameters):
    if rule.closed:
        return {404}
    if rule.token:  # the REST API: a session or no credentials at all is a 401 (tests/api)
        return {401}
    allowed = rule.public or (role is not None and (rule.roles is None or role in rule.roles))
    if not allowed:
        return {302} if role is None else {403}
    if has_parameters:
        return {200, 302, 404, 405}
    return {200, 302, 405}


def _also_allowed(url):
    if url.name.startswith("admin:") and url.name.endswith(("_add", "_change", "_delete")):
        # Inside the admin, Django's model permissions (accounts/roles.py) refuse what no
        # administrator may do by hand, such as adding or deleting log records.
        return {403}
    return ALSO_ALLOWED.get(url.name, set())


def _expected_for(url, rule, role):
    extra = _also_allowed(url) if rule.allows_role(role) else set()
    return _expected(rule, role, url.has_parameters) | extra


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u for u in URLS if u.path], ids=lambda u: u.name)
def test_every_role_meets_the_rule_of_every_url(client, people, url):
    rule = rule_for(url.name)
    for role in ROLES:
        client.logout()
        if role is not None:
            client.force_login(people[role])
        response = client.get(url.path)
        expected = _expected_for(url, rule, role)
        assert response.status_code in expected, (
            f"{url.name} ({url.path}) as {role or 'anonymous'}: "
            f"{response.status_code}, expected {sorted(expected)}"
        )
        if response.status_code == 302 and role is None and not rule.public:
            assert response["Location"].startswith("/accounts/login/")

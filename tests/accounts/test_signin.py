"""Sign-in: the second factor is required, failures say nothing about whether an account
exists, and five failures within 15 minutes lock the username until time passes or an
administrator releases it (django-axes on allauth's login view)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.adapters import SIGN_IN_FAILED
from accounts.models import AuditEvent
from referral_portal.roles import Role
from tests.accounts.conftest import sign_in, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRONG_PASSWORD = "not the password at all"


def _attempt(client, username, password=WRONG_PASSWORD):
    return client.post(LOGIN, {"login": username, "password": password})


def test_the_sign_in_page_shows_the_system_use_notice(client):
    response = client.get(LOGIN)

    content = response.content.decode()
    assert response.status_code == 200
    assert "System use notice" in content
    assert "authorized use only" in content
    assert 'name="login"' in content and 'name="password"' in content
    assert "Sign up" not in content


def test_password_then_authenticator_code_signs_in(client, staff_member):
    response = sign_in(client, staff_member)

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == staff_member


def test_a_password_alone_does_not_sign_in(client, staff_member):
    response = _attempt(client, staff_member.username, PASSWORD)

    assert response["Location"] == reverse("mfa_authenticate")
    assert not client.get(reverse("home")).context["user"].is_authenticated
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()


def test_a_recovery_code_works_instead_of_the_app(client, staff_member):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(staff_member).generate_codes()
    _attempt(client, staff_member.username, PASSWORD)

    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})

    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == staff_member


def _failure_signature(response):
    return response.status_code, SIGN_IN_FAILED in response.content.decode()


def test_no_answer_tells_whether_an_account_exists(client, staff_member, administrator):
    deactivated = UserFactory(organization=staff_member.organization)
    services.deactivate_person(person=deactivated, actor=administrator, reason="Left the job")
    suspended_org_member = UserFactory()
    services.suspend_organization(
        organization=suspended_org_member.organization, actor=administrator, reason="Audit"
    )

    unknown = _attempt(client, "nobody-by-this-name")
    wrong_password = _attempt(client, staff_member.username)
    right_password_deactivated = _attempt(client, deactivated.username, PASSWORD)
    right_password_suspended = _attempt(client, suspended_org_member.username, PASSWORD)

    assert (
        _failure_signature(unknown)
        == _failure_signature(wrong_password)
        == _failure_signature(right_password_deactivated)
        == _failure_signature(right_password_suspended)
        == (200, True)
    )


def test_five_failures_lock_the_username_even_for_the_right_password(client, staff_member):
    for _ in range(4):
        assert _attempt(client, staff_member.username).status_code == 200

    fifth = _attempt(client, staff_member.username)
    with_right_password = _attempt(client, staff_member.username.upper(), PASSWORD)

    for response in (fifth, with_right_password):
        assert response.status_code == 429
        content = response.content.decode()
        assert "Signing in is paused" in content
        assert "Wait 15 minutes" in content
        assert "organization's administrator" in content
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_an_unknown_username_locks_the_same_way(client):
    for _ in range(4):
        _attempt(client, "nobody-by-this-name")

    assert _attempt(client, "nobody-by-this-name").status_code == 429


def test_the_lock_lifts_after_15_minutes(client, staff_member):
    for _ in range(5):
        _attempt(client, staff_member.username)

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        # allauth's own limit lives in the cache with a real-time expiry: clear it here so the
        # test shows axes' window (the cache's expiry is Redis' job, not ours).
        from django.core.cache import cache

        cache.clear()
        response = _attempt(client, staff_member.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


def test_the_organization_administrator_releases_a_lockout(client, staff_member, org_admin):
    for _ in range(5):
        _attempt(client, staff_member.username)
    assert AccessAttempt.objects.filter(username=staff_member.username).exists()
    admin_client = client.__class__()
    admin_client.force_login(org_admin)
    page = admin_client.get(reverse("accounts:person_detail", args=[staff_member.public_id]))
    assert "Locked out" in page.content.decode()

    admin_client.post(reverse("accounts:person_release_lockout", args=[staff_member.public_id]))

    assert not AccessAttempt.objects.filter(username=staff_member.username).exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOCKOUT_RELEASED, subject=staff_member, actor=org_admin
    ).exists()
    # At once: allauth's own per-username count was cleared too.
    response = _attempt(client, staff_member.username, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_member)})[
        "Location"
    ] == reverse("home")


def test_an_administrator_releases_a_lockout_from_the_admin(client, staff_member, administrator):
    for _ in range(5):
        _attempt(client, staff_member.username)
    admin_client = client.__class__()
    admin_client.force_login(administrator)

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "release_lockout", "_selected_action": [staff_member.pk]},
    )

    assert _attempt(client, staff_member.username, PASSWORD)["Location"] == reverse(
        "mfa_authenticate"
    )


def test_five_wrong_authenticator_codes_pause_the_second_step(client, staff_member):
    _attempt(client, staff_member.username, PASSWORD)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_member, 0)})

    assert response.status_code == 200
    assert "Too many attempts" in response.content.decode()


def test_a_person_without_an_authenticator_must_set_one_up_before_any_page(client, provider):
    person = UserFactory(organization=provider, mfa=False)
    assert not Authenticator.objects.filter(user=person).exists()

    response = _attempt(client, person.username, PASSWORD)
    assert response.status_code == 302

    for path in (reverse("home"), reverse("usersessions_list"), "/referrals/", "/manage/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"] == reverse("mfa_activate_totp"), path
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_the_admin_site_signs_in_through_the_portal(client):
    response = client.get("/manage/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_sign_in_rotates_the_session_key(client, staff_member):
    client.get(LOGIN)
    _attempt(client, staff_member.username, PASSWORD)
    before = client.cookies["sessionid"].value if "sessionid" in client.cookies else None

    client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_member)})

    assert client.cookies["sessionid"].value != before


@pytest.mark.parametrize("role", [Role.REFERRER, Role.ADMINISTRATOR])
def test_the_authenticator_cannot_be_turned_off(client, role, provider):
    person = UserFactory(role=role, organization=provider)
    sign_in(client, person)
    reauthenticated = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert reauthenticated.status_code == 302

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 200
    assert "cannot be turned off" in response.content.decode()
    assert Authenticator.objects.filter(user=person, type="totp").exists()


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("", {"login": "someone\x00", "password": "whatever it is"}),
        ("?next=%00", {"login": "someone", "password": "whatever it is"}),
        ("", {"login": "someone", "password": "whatever it is", "extra\x00": "x"}),
    ],
)
def test_nul_bytes_in_a_sign_in_are_a_bad_request_not_a_crash(client, query, data):
    response = client.post(LOGIN + query, data)

    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_lockout_usernames_drop_control_characters():
    from accounts.lockout import lockout_username

    assert lockout_username(None, {"login": " Some\x00One\n "}) == "someone"
    assert lockout_username(None, {}) is None

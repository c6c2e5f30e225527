"""Sign-in: the second factor is required, failures say nothing about whether an account
exists, and after five failures each further attempt for the username (or, after twenty, from
the address) waits, twice as long each time up to 15 minutes, until time passes or an
administrator ends the pause (accounts/signin_delays.py)."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.adapters import SIGN_IN_FAILED
from accounts.models import AuditEvent, SignInFailures
from accounts.signin_delays import normalize_username
from accounts.tasks import forget_old_sign_in_failures
from referral_portal.roles import Role
from tests.accounts.conftest import sign_in, totp_code
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
WRONG_PASSWORD = "not the password at all"
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("America/New_York"))


def _attempt(client, username, password=WRONG_PASSWORD, **extra):
    return client.post(LOGIN, {"login": username, "password": password}, **extra)


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
    wrong_password_deactivated = _attempt(client, deactivated.username)
    wrong_password_suspended = _attempt(client, suspended_org_member.username)

    assert (
        _failure_signature(unknown)
        == _failure_signature(wrong_password)
        == _failure_signature(wrong_password_deactivated)
        == _failure_signature(wrong_password_suspended)
        == (200, True)
    )
    for response in (wrong_password_deactivated, wrong_password_suspended):
        assert "access is paused" not in response.content.decode()


def _username_failures() -> list[int]:
    return list(SignInFailures.objects.filter(scope="username").values_list("failures", flat=True))


@override_settings(PORTAL_SUPPORT_EMAIL="referrals-support@example.ny.gov")
def test_the_right_password_for_a_deactivated_account_says_access_is_paused(
    client, staff_member, administrator
):
    services.deactivate_person(person=staff_member, actor=administrator, reason="Left the job")

    response = _attempt(client, staff_member.username, PASSWORD)

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Your access is paused: your account was deactivated. To have it restored, contact "
        "your organization&#x27;s administrator (portal support: "
        "referrals-support@example.ny.gov)." in content
    )
    assert SIGN_IN_FAILED not in content
    assert not client.get(reverse("home")).context["user"].is_authenticated
    assert _username_failures() == []
    _attempt(client, staff_member.username)
    assert _username_failures() == [1]


@override_settings(PORTAL_SUPPORT_EMAIL="")
def test_the_right_password_in_a_suspended_organization_says_access_is_paused(
    client, staff_member, administrator
):
    services.suspend_organization(
        organization=staff_member.organization, actor=administrator, reason="Audit"
    )

    with time_machine.travel(NOW, tick=False):
        responses = [_attempt(client, staff_member.username, PASSWORD) for _ in range(7)]

    assert [response.status_code for response in responses] == [200] * 7
    assert (
        "Your access is paused: your organization&#x27;s access to the portal is suspended. "
        "To have it restored, contact the Office of Temporary and Disability Assistance."
        in responses[-1].content.decode()
    )
    assert _username_failures() == []


def _paused(response) -> bool:
    return response.status_code == 429 and "Signing in is paused" in response.content.decode()


def test_after_five_failures_the_next_attempt_waits_even_with_the_right_password(
    client, staff_member
):
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            assert _attempt(client, staff_member.username).status_code == 200

        with_right_password = _attempt(client, staff_member.username.upper(), PASSWORD)

    assert with_right_password.status_code == 429
    assert with_right_password["Retry-After"] == "30"
    content = with_right_password.content.decode()
    assert "Signing in is paused" in content
    assert "Try again after 10:00:30 a.m. Eastern Time." in content
    assert "up to 15 minutes" in content
    assert "organization&#x27;s administrator can also end the pause" in content
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_each_further_failure_doubles_the_wait_up_to_15_minutes(client, staff_member):
    waits = []
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(5):
            _attempt(client, staff_member.username)
        for _ in range(7):
            refused = _attempt(client, staff_member.username)
            assert refused.status_code == 429
            waits.append(int(refused["Retry-After"]))
            clock.shift(waits[-1] - 1)
            assert _paused(_attempt(client, staff_member.username, PASSWORD))
            clock.shift(1)
            assert _attempt(client, staff_member.username).status_code == 200

    assert waits == [30, 60, 120, 240, 480, 900, 900]


def test_one_address_guessing_many_usernames_is_slowed_too(client):
    with time_machine.travel(NOW, tick=False):
        for number in range(20):
            assert _attempt(client, f"guess-{number}", REMOTE_ADDR="203.0.113.7").status_code == 200

        from_the_same_address = _attempt(client, "guess-20", REMOTE_ADDR="203.0.113.7")
        from_elsewhere = _attempt(client, "guess-20", REMOTE_ADDR="198.51.100.9")

    assert from_the_same_address.status_code == 429
    assert from_the_same_address["Retry-After"] == "30"
    assert from_elsewhere.status_code == 200


def test_the_pause_answer_is_the_same_whether_or_not_the_account_exists(client, staff_member):
    other_client = client.__class__()
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            _attempt(client, staff_member.username)
            _attempt(other_client, "nobody-by-this-name")

        existing = _attempt(client, staff_member.username, PASSWORD)
        unknown = _attempt(other_client, "nobody-by-this-name", PASSWORD)

    assert existing.status_code == unknown.status_code == 429
    assert existing["Retry-After"] == unknown["Retry-After"] == "30"
    body = _without_csrf_token(existing).replace(staff_member.username, "NAME")
    assert body == _without_csrf_token(unknown).replace("nobody-by-this-name", "NAME")


def _without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_failures_are_kept_under_a_keyed_hash_never_the_username_or_address(client):
    _attempt(client, "Someone.Particular", REMOTE_ADDR="203.0.113.7")

    rows = list(SignInFailures.objects.values_list("scope", "key_hash", "failures"))
    assert sorted(scope for scope, _, _ in rows) == ["address", "username"]
    for _, key_hash, failures in rows:
        assert failures == 1
        assert re.fullmatch(r"[0-9a-f]{64}", key_hash)
        assert "someone" not in key_hash and "203.0.113.7" not in key_hash


def test_the_right_password_gets_in_once_the_wait_is_over(client, staff_member):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(5):
            _attempt(client, staff_member.username)
        clock.shift(30)

        response = _attempt(client, staff_member.username, PASSWORD)
        # The right password started the username's count again: five more failures are free.
        other_client = client.__class__()
        again = [_attempt(other_client, staff_member.username).status_code for _ in range(6)]

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert again == [200, 200, 200, 200, 200, 429]


def test_sign_in_keeps_working_and_limited_with_redis_down(client, staff_member):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",
        }
    }
    with override_settings(CACHES=unreachable), time_machine.travel(NOW, tick=False):
        signed_in = _attempt(client.__class__(), staff_member.username, PASSWORD)
        for _ in range(5):
            assert _attempt(client, staff_member.username).status_code == 200
        paused = _attempt(client, staff_member.username, PASSWORD)

    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("mfa_authenticate")
    assert _paused(paused)


def test_the_organization_administrator_ends_a_pause(client, staff_member, org_admin):
    for _ in range(6):
        _attempt(client, staff_member.username)
    assert SignInFailures.objects.filter(scope="username").exists()
    admin_client = client.__class__()
    admin_client.force_login(org_admin)
    page = admin_client.get(reverse("accounts:person_detail", args=[staff_member.public_id]))
    assert "Sign-in paused" in page.content.decode()

    admin_client.post(reverse("accounts:person_release_lockout", args=[staff_member.public_id]))

    assert not SignInFailures.objects.filter(scope="username").exists()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.LOCKOUT_RELEASED, subject=staff_member, actor=org_admin
    ).exists()
    # At once, second step included.
    response = _attempt(client, staff_member.username, PASSWORD)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.post(reverse("mfa_authenticate"), {"code": totp_code(staff_member)})[
        "Location"
    ] == reverse("home")


def test_an_administrator_ends_a_pause_from_the_admin(client, staff_member, administrator):
    for _ in range(6):
        _attempt(client, staff_member.username)
    assert _paused(_attempt(client, staff_member.username, PASSWORD))
    admin_client = client.__class__()
    admin_client.force_login(administrator)

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "release_lockout", "_selected_action": [staff_member.pk]},
    )

    assert _attempt(client, staff_member.username, PASSWORD)["Location"] == reverse(
        "mfa_authenticate"
    )


def test_old_failures_are_forgotten(client, staff_member):
    for _ in range(4):
        _attempt(client, staff_member.username)

    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert forget_old_sign_in_failures() == 2
        for _ in range(5):
            assert _attempt(client, staff_member.username).status_code == 200


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
    assert not SignInFailures.objects.exists()


def test_counted_usernames_drop_control_characters():
    assert normalize_username(" Some\x00One\n ") == "someone"
    assert normalize_username(None) == ""

"""Session limits (15 minutes idle, 12 hours in all), sign-out, and ending sessions: one's own
others, an administrator's, and those of a suspended organization or a deactivated person."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AuditEvent

pytestmark = pytest.mark.django_db
HOME = "/"
SESSIONS = "/accounts/sessions/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(SESSIONS).status_code == 200
    return client


def _is_signed_in(client) -> bool:
    return client.get(SESSIONS).status_code == 200


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_fifteen_idle_minutes_end_the_session(clock, staff_member):
    client = _signed_in(staff_member)
    session_key = client.session.session_key
    clock.shift(timedelta(minutes=14, seconds=50))
    assert _is_signed_in(client)

    clock.shift(timedelta(minutes=15, seconds=10))
    response = client.get(SESSIONS)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?signed_out=idle"
    assert not Session.objects.filter(session_key=session_key).exists()
    page = client.get(response["Location"])
    assert "signed out after 15 minutes without activity" in page.content.decode()


def test_stay_signed_in_counts_as_activity(clock, staff_member):
    client = _signed_in(staff_member)
    clock.shift(timedelta(minutes=14))

    assert client.post(reverse("session_keepalive")).status_code == 200
    clock.shift(timedelta(minutes=14))

    assert _is_signed_in(client)


def test_the_session_ends_after_twelve_hours_however_busy(clock, staff_member):
    client = _signed_in(staff_member)
    for _ in range(71):  # every 10 minutes for 11 h 50 min
        clock.shift(timedelta(minutes=10))
        assert _is_signed_in(client)

    clock.shift(timedelta(minutes=10, seconds=1))
    response = client.get(SESSIONS)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?signed_out=absolute"
    assert "limit of 12 hours" in client.get(response["Location"]).content.decode()


def test_signing_out_ends_the_server_session(staff_member):
    client = _signed_in(staff_member)
    session_key = client.session.session_key

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    replay = Client()
    replay.cookies["sessionid"] = session_key
    assert replay.get(SESSIONS)["Location"].startswith("/accounts/login/")


def test_a_person_sees_and_ends_their_other_sessions(staff_member):
    laptop, phone = _signed_in(staff_member), _signed_in(staff_member)

    page = laptop.get(SESSIONS)
    assert page.context["session_count"] == 2
    assert "Sign out everywhere else" in page.content.decode()
    laptop.post(SESSIONS)

    assert _is_signed_in(laptop)
    assert not _is_signed_in(phone)


def test_suspending_an_organization_ends_its_sessions_at_once(staff_member, administrator):
    client = _signed_in(staff_member)
    assert UserSession.objects.filter(user=staff_member).exists()

    services.suspend_organization(
        organization=staff_member.organization, actor=administrator, reason="Audit finding"
    )

    assert not UserSession.objects.filter(user=staff_member).exists()
    assert not _is_signed_in(client)
    event = AuditEvent.objects.get(action=AuditEvent.Action.ORGANIZATION_SUSPENDED)
    assert (event.actor, event.reason) == (administrator, "Audit finding")


def test_suspension_stops_people_even_without_a_tracked_session(staff_member, administrator):
    client = _signed_in(staff_member)
    UserSession.objects.all().delete()  # as if tracking had missed it

    services.suspend_organization(
        organization=staff_member.organization, actor=administrator, reason="Audit finding"
    )

    assert not _is_signed_in(client)


def test_reinstating_lets_people_sign_in_again(staff_member, administrator):
    organization = staff_member.organization
    services.suspend_organization(organization=organization, actor=administrator, reason="x")
    services.reinstate_organization(organization=organization, actor=administrator, reason="y")

    staff_member.refresh_from_db()
    assert staff_member.may_act
    assert _is_signed_in(_signed_in(staff_member))


def test_deactivating_a_person_ends_their_sessions(client, staff_member, org_admin):
    person_client = _signed_in(staff_member)
    client.force_login(org_admin)

    response = client.post(
        reverse("accounts:person_deactivate", args=[staff_member.public_id]),
        {"reason": "Left the organization"},
    )

    assert response.status_code == 302
    staff_member.refresh_from_db()
    assert (staff_member.is_active, staff_member.deactivated_reason) == (
        False,
        "Left the organization",
    )
    assert not _is_signed_in(person_client)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PERSON_DEACTIVATED, actor=org_admin, subject=staff_member
    ).exists()


def test_an_administrator_ends_anyone_s_sessions(client, staff_member, administrator):
    person_client = _signed_in(staff_member)
    client.force_login(administrator)

    client.post(reverse("accounts:person_end_sessions", args=[staff_member.public_id]))

    assert not _is_signed_in(person_client)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SESSIONS_ENDED).exists()

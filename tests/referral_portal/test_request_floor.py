"""The signed-in request floor: what every page pays before its own work (issue 13). A
read-only request reads the session and the person with their organization, and writes nothing
unless a minute has passed (accounts.activity)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referral_portal.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TRIVIAL = "/accessibility/"
GUARDED = "/"  # behind the mandatory-MFA check


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def _statements(client, path, **extra) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **extra)
    assert response.status_code == 200  # both pages render for a signed-in reviewer
    return [query["sql"] for query in queries.captured_queries]


def _writes(statements) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(("UPDATE", "INSERT"))]


def test_a_signed_in_trivial_page_reads_the_session_and_the_person_only(client, clock):
    client.force_login(UserFactory(role=Role.STATE_REVIEWER))
    client.get(TRIVIAL)  # the first request records the session's start and activity
    clock.shift(timedelta(seconds=30))

    statements = _statements(client, TRIVIAL)

    assert len(statements) == 2  # at most 4 is the target in issue 13
    assert '"django_session"' in statements[0]
    assert '"accounts_organization"' in statements[1]  # joined, not a second query


def test_the_second_factor_is_looked_up_once_a_minute_not_on_every_page(client, clock):
    client.force_login(UserFactory(role=Role.STATE_REVIEWER))
    client.get(GUARDED)
    clock.shift(timedelta(seconds=30))
    again = _statements(client, GUARDED)
    clock.shift(timedelta(seconds=31))
    a_minute_later = _statements(client, GUARDED)

    assert not any('"mfa_authenticator"' in sql for sql in again)
    assert any('"mfa_authenticator"' in sql for sql in a_minute_later)


def test_activity_is_written_once_a_minute(client, clock):
    person = UserFactory(role=Role.STATE_REVIEWER)
    client.force_login(person)
    client.get(TRIVIAL)
    recorded = UserSession.objects.get(user=person).last_seen_at

    clock.shift(timedelta(seconds=59))
    within_the_minute = _writes(_statements(client, TRIVIAL))
    clock.shift(timedelta(seconds=1))
    after_it = _writes(_statements(client, TRIVIAL))

    assert within_the_minute == []
    assert len([sql for sql in after_it if '"django_session"' in sql]) == 1
    assert UserSession.objects.get(user=person).last_seen_at == recorded + timedelta(seconds=60)


def test_a_new_address_is_recorded_at_once(client, clock):
    person = UserFactory(role=Role.STATE_REVIEWER)
    client.force_login(person)
    client.get(TRIVIAL)

    client.get(TRIVIAL, REMOTE_ADDR="198.51.100.7")

    assert UserSession.objects.get(user=person).ip == "198.51.100.7"

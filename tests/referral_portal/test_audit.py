"""The access log: written in the request's transaction, append-only in the database, searchable
and exportable by administrators only, and itself logged."""

import csv
import io
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import DatabaseError, connection, transaction
from django.template.defaultfilters import truncatechars
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from access_log.models import AccessLog
from access_log.selectors import viewers_of
from access_log.services import record_access
from referral_portal.exports import safe_cell
from referral_portal.roles import Role
from tests.factories import PASSWORD, OrganizationFactory, UserFactory
from tests.security.xss import PAYLOADS, assert_escaped

pytestmark = pytest.mark.django_db

LOG_URL = reverse("access_log:search")
EXPORT_URL = reverse("access_log:export")


def _referral():
    return SimpleNamespace(public_id=uuid.uuid4(), reference=f"VC-{uuid.uuid4().hex[:6]}")


def _request(user, **meta):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", **meta)
    request.user = user
    request.request_id = uuid.uuid4().hex
    return request


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR)


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.STATE_REVIEWER)


def test_record_access_stores_who_what_when_and_where(reviewer):
    referral = _referral()
    attachment = SimpleNamespace(public_id=uuid.uuid4())
    request = _request(reviewer, HTTP_USER_AGENT="Agent\r\n" + "x" * 500)

    entry = record_access(
        request=request,
        action=AccessLog.Action.DOWNLOAD_ATTACHMENT,
        referral=referral,
        obj=attachment,
    )

    entry.refresh_from_db()
    assert entry.user == reviewer
    assert entry.role == Role.STATE_REVIEWER
    assert entry.organization == reviewer.organization
    assert entry.object_type == "simplenamespace"
    assert entry.object_public_id == attachment.public_id
    assert entry.referral_public_id == referral.public_id
    assert entry.referral_reference == referral.reference
    assert entry.ip_address == "203.0.113.9"
    assert entry.request_id == request.request_id
    assert len(entry.user_agent) == 200 and "\n" not in entry.user_agent
    assert abs(entry.at - timezone.now()) < timedelta(seconds=5)


def test_record_access_refuses_an_unknown_action(reviewer):
    with pytest.raises(ValueError):
        record_access(request=_request(reviewer), action="peeked")


def test_the_entry_is_written_in_the_callers_transaction(reviewer):
    referral = _referral()
    with transaction.atomic():
        record_access(request=_request(reviewer), action="view_referral", referral=referral)
        # Visible inside the same transaction at once: no Celery, no on_commit.
        assert AccessLog.objects.filter(referral_public_id=referral.public_id).count() == 1
    assert AccessLog.objects.filter(referral_public_id=referral.public_id).count() == 1


@pytest.fixture
def entry(reviewer):
    return record_access(request=_request(reviewer), action="view_referral", referral=_referral())


def test_the_orm_cannot_change_or_delete_an_entry(entry):
    entry.detail = "rewritten"
    for attempt in (
        entry.save,
        entry.delete,
        lambda: AccessLog.objects.filter(pk=entry.pk).update(detail="rewritten"),
        lambda: AccessLog.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.detail == ""


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE referral_portal_accesslog SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM referral_portal_accesslog WHERE id = %s",
    ],
)
def test_raw_sql_cannot_change_or_delete_an_entry(entry, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk, detail="").exists()


def test_viewers_of_lists_each_person_once_most_recent_first(reviewer, django_assert_num_queries):
    referral = _referral()
    other = UserFactory(role=Role.STATE_SUPERVISOR)
    for person in (reviewer, reviewer, other):
        record_access(request=_request(person), action="view_referral", referral=referral)
    record_access(request=_request(reviewer), action="view_referral", referral=_referral())
    denied = UserFactory(role=Role.REFERRER)
    record_access(
        request=_request(denied), action="view_referral", referral=referral, outcome="denied"
    )

    with django_assert_num_queries(1):
        viewers = viewers_of(referral.public_id)

    assert [(v["user_id"], v["times"]) for v in viewers] == [(other.pk, 1), (reviewer.pk, 2)]
    assert viewers[0]["role_label"] == "State supervisor"
    assert viewers[1]["organization"] == reviewer.organization.name
    assert viewers_of("not-a-uuid") == []


def _entries(count, **fields):
    people = fields.pop("people", None) or [UserFactory(role=Role.STATE_REVIEWER)]
    for index in range(count):
        person = people[index % len(people)]
        record_access(
            request=_request(person), action="view_referral", referral=_referral(), **fields
        )


def test_administrators_search_by_person_organization_reference_and_date(
    client, administrator, reviewer
):
    other_org = OrganizationFactory()
    stranger = UserFactory(role=Role.STATE_REVIEWER, organization=other_org)
    target = _referral()
    record_access(request=_request(reviewer), action="view_referral", referral=target)
    record_access(request=_request(stranger), action="view_referral", referral=_referral())
    client.force_login(administrator)

    def shown(**query):
        response = client.get(LOG_URL, query)
        assert response.status_code == 200
        return response.context["page"].paginator.count

    assert shown(person=reviewer.username.upper()) == 1
    assert shown(organization=str(other_org.public_id)) == 1
    assert shown(reference=target.reference) == 1
    today = timezone.localdate()
    assert shown(date_from=today.isoformat(), date_to=today.isoformat()) >= 2
    assert shown(date_from=(today + timedelta(days=1)).isoformat()) == 0


def test_a_bad_filter_is_a_message_not_an_error(client, administrator):
    client.force_login(administrator)

    response = client.get(LOG_URL, {"date_from": "2026-02-30", "date_to": "2025-01-01"})

    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


@pytest.mark.parametrize(
    "request_id",
    ["", "-", "a1b2c3d4", "a1b2c3d4e5f6a", "a1b2c3d4e5f6a7", uuid.uuid4().hex, "é" * 14],
)
def test_the_short_request_id_is_what_truncatechars_gives(request_id):
    assert AccessLog(request_id=request_id).short_request_id == truncatechars(request_id, 13)


def test_the_cached_filter_form_follows_the_query_string(client, administrator):
    """The filter form is cached under the query string: another date is another form, and a
    bad date still shows its error after the good one's form was cached."""
    client.force_login(administrator)

    def form(**query):
        page = client.get(LOG_URL, query).content.decode()
        return page, page[page.index('<h2 id="filter-heading">') : page.index("Show entries")]

    for _ in range(2):  # drawn, then from the cache
        _, first = form(date_from="2026-01-05")
        _, second = form(date_from="2026-02-06", page="2")
        page, bad = form(date_from="2026-02-30")
        _, blank = form()

        assert 'value="2026-01-05"' in first and "2026-02-06" not in first
        assert 'value="2026-02-06"' in second and "2026-01-05" not in second
        assert "Enter a valid date" in bad and "Please correct the filters" in page
        assert "Enter a valid date" not in first + second + blank
        assert "2026-" not in blank


def test_the_search_page_is_paginated_with_fixed_queries(
    client, administrator, django_assert_max_num_queries
):
    people = [UserFactory(role=Role.STATE_REVIEWER) for _ in range(3)]
    _entries(5, people=people)
    client.force_login(administrator)
    with django_assert_max_num_queries(20) as few:
        client.get(LOG_URL)
    _entries(120, people=people)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LOG_URL, {"page": "2"})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 50


def test_reading_the_log_is_itself_logged(client, administrator):
    client.force_login(administrator)

    client.get(LOG_URL, {"person": "someone"})

    entry = AccessLog.objects.get(user=administrator)
    assert entry.action == AccessLog.Action.SEARCH
    assert entry.object_type == "access_log"
    assert "someone" not in entry.detail  # filter names, never their values
    assert "person" in entry.detail


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_read_the_log(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get(LOG_URL).status_code == 403
    assert client.get(EXPORT_URL).status_code == 403


@pytest.mark.parametrize("payload", PAYLOADS)
def test_stored_values_are_shown_as_text(client, administrator, reviewer, payload):
    record_access(
        request=_request(reviewer, HTTP_USER_AGENT="x"),
        action="view_referral",
        referral=SimpleNamespace(public_id=uuid.uuid4(), reference=payload[:40]),
    )
    client.force_login(administrator)

    html = client.get(LOG_URL).content.decode()

    assert_escaped(html, payload[:40])


def _reauthenticate(client):
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302, "re-authentication failed"


def test_export_asks_for_the_password_again(client, administrator):
    client.force_login(administrator)

    response = client.get(EXPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not AccessLog.objects.filter(action="export").exists()


FORMULAS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_export_neutralises_formulas_and_is_logged(client, administrator, reviewer):
    for formula in FORMULAS:
        record_access(
            request=_request(reviewer, HTTP_USER_AGENT=formula),
            action="view_referral",
            referral=SimpleNamespace(public_id=uuid.uuid4(), reference=formula),
        )
    client.force_login(administrator)
    _reauthenticate(client)

    response = client.get(EXPORT_URL, {"person": reviewer.username})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Time (UTC)" and len(rows) == 1 + len(FORMULAS)
    references = {row[9] for row in rows[1:]}
    agents = {row[12] for row in rows[1:]}
    # Control characters never reach the log (TAB and CR become spaces); formulas keep their
    # text behind an apostrophe, which spreadsheets show as text.
    assert references == {'\'=HYPERLINK("http://x")', "'+1+1", "'-2+3", "'@SUM(A1)", " TAB", " CR"}
    assert agents == references
    export = AccessLog.objects.get(action="export")
    assert export.user == administrator and export.object_type == "access_log"
    assert "rows=6" in export.detail


@pytest.mark.parametrize("trigger", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_gets_an_apostrophe(trigger):
    assert safe_cell(trigger + "1+1") == "'" + trigger + "1+1"
    assert safe_cell("1" + trigger) == "1" + trigger
    assert safe_cell(None) == ""

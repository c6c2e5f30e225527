"""The reviewers' queue: order, filters, counts, search, pages, and a fixed query count."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access_log.models import AccessLog
from confirmations import selectors
from referral_portal.models import County
from referral_portal.roles import Role
from referrals.models import Referral, Status
from tests.confirmations import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("confirmations:queue")
# Sign-in, session and MFA middleware take about 12; the queue itself four (the count, the page,
# the counts per status, the counties of the filter when its form is not already cached).
MAX_QUERIES = 16


@pytest.fixture
def referrer(db):
    return UserFactory(role=Role.REFERRER)


def _references(page: str, rows) -> list[str]:
    return [r.reference for r in rows if r.reference in page]


def test_open_referrals_by_deadline_with_information_provided_first(reviewer, referrer):
    now = timezone.now()
    late, soon, answered = helpers.bulk_open_referrals(3, referrer=referrer)
    Referral.objects.filter(pk=late.pk).update(due_at=now + timedelta(days=3))
    Referral.objects.filter(pk=soon.pk).update(due_at=now - timedelta(hours=2))
    Referral.objects.filter(pk=answered.pk).update(
        due_at=now + timedelta(days=9), status=Status.INFO_PROVIDED
    )
    decided = helpers.bulk_open_referrals(1, referrer=referrer, start=9, status=Status.CONFIRMED)

    queue = list(selectors.review_queue(reviewer))

    assert queue == [answered, soon, late]
    assert decided[0] not in queue


@pytest.mark.parametrize("role", ["referrer", "org_admin", "receiving_agency"])
def test_nobody_else_sees_the_queue(role, referrer):
    helpers.bulk_open_referrals(2, referrer=referrer)
    assert list(selectors.review_queue(UserFactory(role=role))) == []


@pytest.mark.parametrize("role", ["referrer", "receiving_agency"])
def test_the_queue_page_is_refused_to_other_roles(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(QUEUE).status_code == 403


def test_filters(reviewer, other_reviewer, referrer):
    rows = helpers.bulk_open_referrals(30, referrer=referrer)
    albany = County.objects.order_by("-pk").first()  # not among the counties the builder uses
    Referral.objects.filter(pk__in=[r.pk for r in rows[:4]]).update(county_of_residence=albany)
    Referral.objects.filter(pk=rows[0].pk).update(assigned_reviewer=reviewer)
    Referral.objects.filter(pk=rows[1].pk).update(assigned_reviewer=other_reviewer)
    Referral.objects.filter(pk=rows[2].pk).update(status=Status.INFO_REQUESTED)

    def ids(**filters):
        return {r.pk for r in selectors.review_queue(reviewer, filters)}

    all_rows = Referral.objects.filter(status__in=["submitted", "info_requested"])
    assert ids(county=albany) == {r.pk for r in rows[:4]}
    assert ids(reviewer="mine") == {rows[0].pk}
    assert ids(reviewer="unassigned") == set(
        all_rows.filter(assigned_reviewer=None).values_list("pk", flat=True)
    )
    assert ids(status="info_requested") == {rows[2].pk}
    assert ids(minor="yes") == set(
        all_rows.filter(minor_at_referral=True).values_list("pk", flat=True)
    )
    assert ids(minor="no") == set(
        all_rows.filter(minor_at_referral=False).values_list("pk", flat=True)
    )
    assert ids(trafficking="sex") == set(
        all_rows.filter(sex_trafficking=True).values_list("pk", flat=True)
    )
    assert ids(trafficking="labor") == set(
        all_rows.filter(labor_trafficking=True).values_list("pk", flat=True)
    )
    both = all_rows.filter(sex_trafficking=True, labor_trafficking=True)
    assert ids(trafficking="both") == set(both.values_list("pk", flat=True)) != set()
    assert ids(reference=rows[5].reference) == {rows[5].pk}


def test_counts_per_status_follow_the_other_filters(reviewer, referrer):
    rows = helpers.bulk_open_referrals(6, referrer=referrer)
    Referral.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(status=Status.INFO_REQUESTED)
    Referral.objects.filter(pk=rows[2].pk).update(status=Status.APPEALED)
    Referral.objects.filter(pk=rows[3].pk).update(assigned_reviewer=reviewer)

    counts = {c["status"]: c["count"] for c in selectors.status_counts(reviewer)}
    mine = {
        c["status"]: c["count"] for c in selectors.status_counts(reviewer, {"reviewer": "mine"})
    }

    assert counts == {"submitted": 3, "info_requested": 2, "info_provided": 0, "appealed": 1}
    assert mine == {"submitted": 1, "info_requested": 0, "info_provided": 0, "appealed": 0}


def test_the_page_shows_counts_time_left_and_overdue_in_words(client, reviewer, referrer):
    overdue, later = helpers.bulk_open_referrals(2, referrer=referrer)
    Referral.objects.filter(pk=overdue.pk).update(due_at=timezone.now() - timedelta(days=6))
    Referral.objects.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(days=12))
    client.force_login(reviewer)

    page = client.get(QUEUE).content.decode()

    assert 'Submitted <span class="review-count">(2)</span>' in page
    assert "Overdue by" in page and "business day" in page
    assert " left" in page
    assert page.index(overdue.reference) < page.index(later.reference)


def test_search_by_reference_is_logged_without_the_search_leaving_the_log(
    client, reviewer, referrer
):
    rows = helpers.bulk_open_referrals(3, referrer=referrer)
    client.force_login(reviewer)

    page = client.get(QUEUE, {"reference": rows[1].reference.lower()}).content.decode()

    assert _references(page, rows) == [rows[1].reference]
    log = AccessLog.objects.get(action=AccessLog.Action.SEARCH)
    assert log.referral_reference == rows[1].reference and "found=1" in log.detail


def test_a_malformed_reference_or_filter_is_an_error_message_not_a_500(client, reviewer, referrer):
    helpers.bulk_open_referrals(2, referrer=referrer)
    client.force_login(reviewer)

    response = client.get(
        QUEUE, {"reference": "<script>", "county": "x", "status": "nope", "page": "zzz"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a reference number like" in page
    assert "<script>" not in page


def test_pages_of_the_queue(client, reviewer, referrer, settings):
    settings.CONFIRMATIONS_QUEUE_PAGE_SIZE = 5
    rows = helpers.bulk_open_referrals(12, referrer=referrer)
    client.force_login(reviewer)

    first = client.get(QUEUE, {"reviewer": "unassigned"}).content.decode()
    third = client.get(QUEUE, {"reviewer": "unassigned", "page": 3}).content.decode()

    assert "page 1 of 3" in first and "reviewer=unassigned&amp;page=2" in first
    assert len(_references(first, rows)) == 5 and len(_references(third, rows)) == 2


def _filter_form(page: str) -> str:
    return re.search(r'<form method="get"[^>]*review-filter-form.*?</form>', page, re.S).group(0)


def test_the_filter_form_is_drawn_once_per_query_string_and_never_another_ones(
    client, reviewer, referrer
):
    """The queue caches its filter form under the query string (without the page): each query
    gets its own form, the same as drawn afresh, and the counties are not read again."""
    helpers.bulk_open_referrals(2, referrer=referrer)
    county = County.objects.order_by("name").last()
    client.force_login(reviewer)
    queries = [
        {},
        {"page": "2"},  # a bound form with nothing chosen
        {"minor": "yes"},
        {"minor": "no", "page": "2"},
        {"minor": "no", "county": str(county.pk), "sort": "received"},
        {"reference": "nope"},
    ]
    cached = [_filter_form(client.get(QUEUE, query).content.decode()) for query in queries]
    with CaptureQueriesContext(connection) as again:
        client.get(QUEUE, {"minor": "yes"})
    cache.clear()
    fresh = [_filter_form(client.get(QUEUE, query).content.decode()) for query in queries]

    assert cached == fresh
    assert '<option value="yes" selected>Minors only</option>' in cached[2]
    assert '<option value="no" selected>Adults only</option>' in cached[3]
    assert "selected>Minors only" not in cached[3]
    assert f'<option value="{county.pk}" selected>{county.name}</option>' in cached[4]
    assert not any("referral_portal_county" in q["sql"] for q in again.captured_queries)


def test_an_invalid_filter_shows_its_error_after_a_valid_one_was_cached(client, reviewer, referrer):
    rows = helpers.bulk_open_referrals(2, referrer=referrer)
    client.force_login(reviewer)
    client.get(QUEUE, {"reference": rows[0].reference})
    client.get(QUEUE, {"reference": "nope"})  # the form with its error, cached too

    for _ in range(2):
        page = client.get(QUEUE, {"reference": "nope"}).content.decode()
        valid = client.get(QUEUE, {"reference": rows[0].reference}).content.decode()

        summary = page.index("There is a problem")
        field_error = page.index('<span id="error_1_id_reference">')
        assert summary < field_error  # in the summary at the top, and next to the field
        assert 'href="#div_id_reference">Reference number: Enter a reference number like' in page
        assert "<title>Error: Review queue" in page
        assert "There is a problem" not in valid and "error_1_id_reference" not in valid
        assert f'value="{rows[0].reference}"' in _filter_form(valid)


def _queue_page(client):
    cache.clear()  # the filter form drawn, not taken from the cache: the most queries
    response = client.get(QUEUE, {"reviewer": "anyone", "minor": "no", "page": 2})
    assert response.status_code == 200
    return response


def test_the_queue_runs_the_same_queries_for_10_and_1000_referrals(
    client, reviewer, referrer, django_assert_max_num_queries
):
    client.force_login(reviewer)
    client.get(QUEUE)  # session and sign-in bookkeeping of the first request
    helpers.bulk_open_referrals(10, referrer=referrer)
    with django_assert_max_num_queries(MAX_QUERIES) as ten:
        _queue_page(client)

    helpers.bulk_open_referrals(990, referrer=referrer, start=11)
    with django_assert_max_num_queries(MAX_QUERIES) as thousand:
        _queue_page(client)

    assert Referral.objects.count() == 1000
    assert len(ten) == len(thousand)


def _indexed_columns():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "referrals_referral")
    return [tuple(c["columns"]) for c in constraints.values() if c["index"] or c["unique"]]


@pytest.mark.parametrize(
    "column",
    [
        "status",
        "county_of_residence_id",
        "sex_trafficking",
        "labor_trafficking",
        "minor_at_referral",
        "assigned_reviewer_id",
        "reference",
    ],
)
def test_every_filter_has_an_index(column):
    assert any(column in columns for columns in _indexed_columns()), column

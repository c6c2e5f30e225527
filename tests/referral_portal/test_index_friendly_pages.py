"""The busiest lists read a page in index order, whatever the size of the table (issue 13):
each page runs a fixed number of queries (at most 15), and the query behind its rows is served
by the index declared for it, with no sort over every matching row. The plans are taken with
sequential scans discouraged, because a test table is too small for the planner to bother with
an index; what is asserted is that the index can serve the query in order."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from access_log.models import AccessLog
from confirmations.selectors import review_queue
from referral_portal.roles import Role
from referrals.selectors import submitted_referrals_for_list
from routing.selectors import case_list_for, deliveries_for_administrators
from tests.confirmations.helpers import bulk_open_referrals
from tests.factories import UserFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, provider, receiving_user

pytestmark = pytest.mark.django_db
MOST_QUERIES = 15


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Statistics of this test's own rows (rolled back with them): what earlier tests and
        # autovacuum left in pg_statistic must not decide this plan.
        cursor.execute(
            "ANALYZE referrals_referral, routing_routingdelivery, referral_portal_accesslog"
        )
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # Test tables are tiny and their statistics depend on earlier tests, so a sort can look
        # cheaper than any index. Penalising sorts asks the one question that matters: can an
        # index give this order? If none can, the plan still sorts and the test fails.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _served_by(plan: str, index: str) -> bool:
    return f"Index Scan using {index}" in plan and "Sort" not in plan


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def _access_log_entries(count, person):
    AccessLog.objects.bulk_create(
        AccessLog(user=person, role=person.role, action=AccessLog.Action.VIEW_REFERRAL)
        for _ in range(count)
    )


@pytest.fixture
def administrator():
    return UserFactory(role=Role.ADMINISTRATOR)


def test_the_queue_reads_its_page_in_index_order(client, referrer, django_assert_max_num_queries):
    reviewer = UserFactory(role=Role.STATE_REVIEWER)
    client.force_login(reviewer)
    bulk_open_referrals(3, referrer=referrer)
    client.get(reverse("confirmations:queue"))  # the session's first request records its start
    few = _queries(client, reverse("confirmations:queue"))
    bulk_open_referrals(60, referrer=referrer, start=4)

    with django_assert_max_num_queries(MOST_QUERIES):
        many = _queries(client, reverse("confirmations:queue"))

    assert few == many
    assert _served_by(_plan(review_queue(reviewer)[:25]), "referral_queue_order_idx")


def test_the_referrers_list_reads_submitted_referrals_apart_from_drafts(
    client, referrer, django_assert_max_num_queries
):
    client.force_login(referrer)
    bulk_open_referrals(3, referrer=referrer)
    # Other organizations' referrals: the list is one organization's share of the table.
    bulk_open_referrals(300, referrer=UserFactory(role=Role.REFERRER), start=1000)
    client.get(reverse("referrals:list"))
    few = _queries(client, reverse("referrals:list"))
    bulk_open_referrals(40, referrer=referrer, start=4)

    with django_assert_max_num_queries(MOST_QUERIES):
        many = _queries(client, reverse("referrals:list"))

    assert few == many
    plan = _plan(submitted_referrals_for_list(referrer)[:25])
    assert _served_by(plan, "referral_org_submitted_idx")


def test_an_agencys_cases_are_read_in_index_order(
    client, django_assert_max_num_queries, drain_outbox
):
    agency = provider().organization
    user = receiving_user(agency)
    route(confirmed_referral())
    drain_outbox()
    client.force_login(user)
    client.get(reverse("routing:case_list"))

    with django_assert_max_num_queries(MOST_QUERIES):
        _queries(client, reverse("routing:case_list"))

    assert _served_by(_plan(case_list_for(user)[:50]), "delivery_agency_cases_idx")


def test_administrators_deliveries_are_read_newest_first_from_an_index(
    client, administrator, django_assert_max_num_queries
):
    route(confirmed_referral())
    client.force_login(administrator)
    client.get(reverse("routing:delivery_list"))

    with django_assert_max_num_queries(MOST_QUERIES):
        _queries(client, reverse("routing:delivery_list"))

    assert _served_by(_plan(deliveries_for_administrators()[:50]), "delivery_recent_idx")


def test_the_access_log_counts_no_further_than_it_shows(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    _access_log_entries(5, administrator)
    client.get(reverse("access_log:search"))
    few = _queries(client, reverse("access_log:search"))
    _access_log_entries(1100, administrator)

    with django_assert_max_num_queries(MOST_QUERIES), CaptureQueriesContext(connection) as seen:
        response = client.get(reverse("access_log:search"))

    assert len(seen) == few
    assert "More than 1000 entries" in response.content.decode()
    counts = [q["sql"] for q in seen.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 1001" in counts[0]
    assert '<select name="organization"' not in response.content.decode()

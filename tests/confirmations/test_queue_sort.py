"""The review queue sorted by the date received (issue 17): only the orders in QUEUE_SORTS,
anything else is the usual order, and sorting costs no query more."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from confirmations import selectors
from referral_portal.roles import Role
from referrals.models import Referral
from tests.confirmations import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("confirmations:queue")
MONDAY = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)  # 10:05 a.m. in New York


@pytest.fixture
def three(db):
    """Received Monday, Tuesday, Wednesday; due in the order Wednesday's, Monday's, Tuesday's."""
    referrer = UserFactory(role=Role.REFERRER)
    first, second, third = helpers.bulk_open_referrals(3, referrer=referrer)
    for row, day, due_in in ((first, 0, 2), (second, 1, 3), (third, 2, 1)):
        Referral.objects.filter(pk=row.pk).update(
            submitted_at=MONDAY + timedelta(days=day), due_at=MONDAY + timedelta(days=10 + due_in)
        )
    return first, second, third


def _page_order(client, query: str, rows) -> list:
    page = client.get(f"{QUEUE}{query}").content.decode()
    return sorted(rows, key=lambda row: page.index(row.reference))


def test_sorted_by_received_either_way_and_by_deadline_otherwise(reviewer, three):
    first, second, third = three
    assert list(selectors.review_queue(reviewer)) == [third, first, second]
    assert list(selectors.review_queue(reviewer, sort="received")) == [first, second, third]
    assert list(selectors.review_queue(reviewer, sort="-received")) == [third, second, first]
    assert list(selectors.review_queue(reviewer, sort="due_at")) == [third, first, second]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", (2, 0, 1)),
        ("?sort=received", (0, 1, 2)),
        ("?sort=-received", (2, 1, 0)),
        ("?sort=legal_name", (2, 0, 1)),  # not an order the queue offers: the usual one
    ],
)
def test_the_page_lists_in_the_order_asked_for(client, reviewer, three, query, expected):
    client.force_login(reviewer)
    assert _page_order(client, query, three) == [three[i] for i in expected]


def test_the_page_shows_when_each_was_received_and_links_the_other_order(client, reviewer, three):
    client.force_login(reviewer)
    page = client.get(f"{QUEUE}?minor=no&sort=received").content.decode()
    assert "Mar 2, 2026, 10:05 a.m." in page
    assert 'aria-sort="ascending"' in page
    assert 'href="?minor=no&amp;sort=-received"' in page
    assert 'href="?minor=no">Back to the usual order</a>' in page
    plain = client.get(f"{QUEUE}?sort=bogus").content.decode()
    assert "aria-sort" not in plain
    assert 'href="?sort=received"' in plain
    assert "bogus" not in plain


def test_sorting_costs_no_query_more(client, reviewer, three):
    client.force_login(reviewer)
    client.get(QUEUE)  # the session's first request records its start
    counts = []
    for query in ("", "?sort=received", "?sort=-received"):
        cache.clear()  # each draws its filter form (cached per query string)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{QUEUE}{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2]

"""referral_portal.locks: the one way a service locks the row it is about to change."""

import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from referral_portal.locks import lock_row, lock_row_or_none
from referral_portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def message():
    return OutboxMessage.objects.create(kind="portal.test", payload={})


def test_the_row_is_read_for_update_by_its_primary_key(message):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        row = lock_row(OutboxMessage, message.pk)

    assert row == message
    [query] = queries.captured_queries
    assert query["sql"].endswith("FOR UPDATE")


def test_a_queryset_narrows_the_read_and_skip_locked_and_of_reach_the_sql(message):
    rows = OutboxMessage.objects.filter(kind="portal.test")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        row = lock_row_or_none(rows, message.pk, skip_locked=True, of=("self",))

    assert row == message
    assert queries.captured_queries[0]["sql"].endswith(
        'FOR UPDATE OF "referral_portal_outboxmessage" SKIP LOCKED'
    )
    with transaction.atomic():
        assert lock_row_or_none(OutboxMessage.objects.filter(kind="other"), message.pk) is None


def test_a_missing_row_raises_or_is_none():
    with transaction.atomic():
        assert lock_row_or_none(OutboxMessage, uuid.uuid4()) is None
        with pytest.raises(OutboxMessage.DoesNotExist):
            lock_row(OutboxMessage, uuid.uuid4())

"""A real worker process (not eager mode) runs tasks that write to PostgreSQL."""

import os

import pytest
from django.db import transaction

from referral_portal import outbox
from referral_portal.models import OutboxMessage, WorkerHeartbeat
from referral_portal.tasks import record_heartbeat
from tests.conftest import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_worker_process_writes_to_postgresql(celery_worker_process):
    record_heartbeat.delay()

    beat = wait_for(lambda: WorkerHeartbeat.objects.first())

    assert beat is not None, "the worker never wrote its heartbeat"
    assert beat.pid != os.getpid()


def test_an_outbox_message_is_delivered_once_by_the_worker(celery_worker_process):
    with transaction.atomic():
        message = outbox.enqueue("portal.heartbeat")

    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "done")

    message.refresh_from_db()
    assert message.status == "done"
    assert message.attempts == 1
    assert WorkerHeartbeat.objects.count() == 1


def test_outbox_payloads_refuse_anything_but_ids():
    with pytest.raises(ValueError):
        outbox.enqueue("portal.heartbeat", name="A Person's Name " * 10)

"""Thin Celery tasks: each loads an id, calls the outbox, and returns nothing personal."""

import os
import socket
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import outbox
from .models import WorkerHeartbeat


@shared_task(name="referral_portal.tasks.relay_outbox", ignore_result=True)
def relay_outbox():
    outbox.relay_started()
    return outbox.relay(hand_to_workers)


def hand_to_workers(message_ids: list[str]) -> None:
    """Publish one task per OUTBOX_TASK_BATCH_SIZE messages over a single broker connection."""
    from .celery import app

    size = settings.OUTBOX_TASK_BATCH_SIZE
    with app.producer_or_acquire() as producer:
        for start in range(0, len(message_ids), size):
            batch = message_ids[start : start + size]
            deliver_outbox_messages.apply_async(args=[batch], producer=producer)


@shared_task(name="referral_portal.tasks.deliver_outbox_messages", ignore_result=True)
def deliver_outbox_messages(message_ids: list[str]):
    outbox.process_batch(message_ids)


@shared_task(name="referral_portal.tasks.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id: str):
    """One message: tasks published one by one before batches, still in a broker at an
    upgrade, and the operators' way to run one message by hand."""
    return outbox.process_with_follow_ups(message_id)


@shared_task(name="referral_portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat():
    """Run every minute by beat (and once when a worker starts): the operator's page and
    /healthz/detail read these rows. Rows older than a day are of no use to either and go."""
    WorkerHeartbeat.objects.create(hostname=socket.gethostname(), pid=os.getpid())
    WorkerHeartbeat.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()

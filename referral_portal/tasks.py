"""Thin Celery tasks: each loads an id, calls the outbox, and returns nothing personal."""

import os
import socket
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import WorkerHeartbeat


@shared_task(name="referral_portal.tasks.relay_outbox", ignore_result=True)
def relay_outbox():
    outbox.relay_started()
    return outbox.relay(hand_to_workers)


def hand_to_workers(message_ids: list[str]) -> None:
    """Publish one delivery task per message over a single broker connection."""
    from .celery import app

    with app.producer_or_acquire() as producer:
        for message_id in message_ids:
            deliver_outbox_message.apply_async(args=[message_id], producer=producer)


@shared_task(name="referral_portal.tasks.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id: str):
    return outbox.process_with_follow_ups(message_id)


@shared_task(name="referral_portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat():
    """Run every minute by beat (and once when a worker starts): the operator's page and
    /healthz/detail read these rows. Rows older than a day are of no use to either and go."""
    WorkerHeartbeat.objects.create(hostname=socket.gethostname(), pid=os.getpid())
    WorkerHeartbeat.objects.filter(at__lt=timezone.now() - timedelta(days=1)).delete()

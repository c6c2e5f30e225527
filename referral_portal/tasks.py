"""Thin Celery tasks: each loads an id, calls the outbox, and returns nothing personal."""

import os
import socket

from celery import shared_task

from . import outbox
from .models import WorkerHeartbeat


@shared_task(name="referral_portal.tasks.relay_outbox", ignore_result=True)
def relay_outbox():
    return outbox.relay(lambda message_id: deliver_outbox_message.apply_async(args=[message_id]))


@shared_task(name="referral_portal.tasks.deliver_outbox_message", ignore_result=True)
def deliver_outbox_message(message_id: str):
    return outbox.process(message_id)


@shared_task(name="referral_portal.tasks.record_heartbeat", ignore_result=True)
def record_heartbeat():
    WorkerHeartbeat.objects.create(hostname=socket.gethostname(), pid=os.getpid())

"""Beat tasks for the review. Thin: each calls a service; the e-mails it queues go through the
outbox (referral_portal.tasks.relay_outbox and deliver_outbox_message)."""

from celery import shared_task

from . import services


@shared_task(name="confirmations.tasks.send_deadline_reminders", ignore_result=True)
def send_deadline_reminders():
    services.send_deadline_reminders()

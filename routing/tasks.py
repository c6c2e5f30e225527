"""Beat tasks for routing. Thin: each calls a service; the work it queues goes through the
outbox (referral_portal.tasks.relay_outbox and deliver_outbox_message)."""

from celery import shared_task

from . import services


@shared_task(name="routing.tasks.check_deadlines", ignore_result=True)
def check_deadlines():
    services.check_deadlines()


@shared_task(name="routing.tasks.resend_stuck_deliveries", ignore_result=True)
def resend_stuck_deliveries():
    services.resend_stuck_deliveries()

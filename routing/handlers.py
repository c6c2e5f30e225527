"""Outbox handlers: the work a Celery worker does for routing.

Each runs inside the outbox row's transaction (referral_portal.outbox.process) and first locks
its delivery row, so a repeat (a redelivered message, a second worker, the stuck-row relay)
finds the work done and changes nothing. E-mails carry a reference number and a link only.
"""

import logging

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from referral_portal import mail, outbox, times
from referral_portal.locks import lock_row_or_none
from referral_portal.roles import Role

from . import services, webhooks
from .models import DeliveryState, RoutingDelivery, RoutingEndpoint

logger = logging.getLogger(__name__)


def _locked(delivery_id: int) -> RoutingDelivery | None:
    return lock_row_or_none(
        RoutingDelivery.objects.select_related(
            "referral", "organization", "district", "rhtp_provider"
        ),
        delivery_id,
        of=("self",),
    )


def _people(organization_id=None, role=Role.RECEIVING_AGENCY):
    people = User.objects.filter(role=role, is_active=True).exclude(email="")
    if organization_id is not None:
        people = people.filter(organization_id=organization_id)
    return list(people.values_list("email", flat=True))


@outbox.handler(services.DELIVER)
def deliver(delivery_id: int) -> None:
    delivery = _locked(delivery_id)
    if delivery is None or delivery.state != DeliveryState.QUEUED:
        return  # delivered, failed, or resent under a newer outbox row: nothing to do
    now = timezone.now()
    if delivery.portal_delivered_at is None:
        services.arrive(delivery, now)
    endpoint = RoutingEndpoint.objects.filter(
        organization_id=delivery.organization_id, is_active=True
    ).first()
    if endpoint is None:
        delivery.mark_delivered(at=now)
        delivery.save()
        return
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        delivery.save()
        return  # an early copy of a message whose retry is not due yet
    result = webhooks.post(endpoint, delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    if result.ok:
        delivery.mark_delivered(at=timezone.now())
        delivery.last_error = ""
    else:
        delivery.last_error = f"Webhook: {result.error}"[:200]
        logger.warning("webhook delivery failed", extra={"object_id": str(delivery.public_id)})
        if delivery.attempts >= settings.ROUTING_WEBHOOK_MAX_ATTEMPTS:
            services.give_up(delivery)
        else:
            services.schedule_retry(delivery, now + webhooks.backoff(delivery.attempts))
    delivery.save()


@outbox.handler(services.NOTIFY)
def notify_receivers(delivery_id: int) -> None:
    delivery = _locked(delivery_id)
    if delivery is None or delivery.receivers_notified_at is not None:
        return
    recipients = _people(delivery.organization_id) + [delivery.directory_entry.intake_email]
    mail.send(
        "routing/email/new_case",
        {
            "reference": delivery.referral.reference,
            "organization": delivery.organization.name,
            "link": mail.link("routing:case_detail", delivery.public_id),
        },
        recipients,
    )
    delivery.receivers_notified_at = timezone.now()
    delivery.save(update_fields=["receivers_notified_at"])


_STEP_TEXT = {
    services.ACKNOWLEDGE_STEP: ("acknowledge receipt of", "acknowledge_due_at", "acknowledged_at"),
    services.CONTACT_STEP: ("report first contact for", "first_contact_due_at", "first_outcome_at"),
}


@outbox.handler(services.REMIND)
def remind(delivery_id: int, step: str) -> None:
    delivery = _locked(delivery_id)
    action, due_field, done_field = _STEP_TEXT[step]
    if delivery is None or getattr(delivery, done_field) is not None:
        return  # done since the reminder was queued
    due = timezone.localtime(getattr(delivery, due_field))
    recipients = _people(delivery.organization_id) + [delivery.directory_entry.intake_email]
    mail.send(
        "routing/email/reminder",
        {
            "action": action,
            "reference": delivery.referral.reference,
            "due": times.deadline(due),
            "link": mail.link("routing:case_detail", delivery.public_id),
        },
        recipients,
    )


@outbox.handler(services.ESCALATE)
def escalate(delivery_id: int, step: str) -> None:
    delivery = _locked(delivery_id)
    action, due_field, done_field = _STEP_TEXT[step]
    if delivery is None or getattr(delivery, done_field) is not None:
        return
    due = timezone.localtime(getattr(delivery, due_field))
    mail.send(
        "routing/email/missed_deadline",
        {
            "organization": delivery.organization.name,
            "action": action,
            "reference": delivery.referral.reference,
            "due": times.deadline(due),
            "link": mail.link("routing:delivery_list"),
        },
        _people(role=Role.STATE_SUPERVISOR),
    )


@outbox.handler(services.ALERT_FAILED)
def alert_failed(delivery_id: int) -> None:
    delivery = _locked(delivery_id)
    if delivery is None or delivery.state != DeliveryState.FAILED:
        return
    mail.send(
        "routing/email/delivery_failed",
        {
            "reference": delivery.referral.reference,
            "organization": delivery.organization.name,
            "attempts": delivery.attempts,
            "error": delivery.last_error,
            "link": mail.link("routing:delivery_list"),
        },
        _people(role=Role.ADMINISTRATOR),
    )

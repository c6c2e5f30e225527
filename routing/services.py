"""Every change of state in routing. Keyword-only functions: each opens a transaction, locks the
row, checks the rule, writes the change, the referral's timeline event and any outbox rows.

Errors carry no personal data: they name rules, reference numbers and organizations only.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Exists, OuterRef
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone
from django_fsm import can_proceed

from referral_portal import outbox
from referral_portal.business_days import add_business_days
from referral_portal.locks import lock_row
from referral_portal.models import OutboxMessage
from referral_portal.roles import RECEIVING, is_acting_administrator, may_act_as
from referrals.models import EventKind, Referral, Status
from referrals.services import record_event

from . import rules
from .models import ContactAttempt, DeliveryState, Outcome, OutcomeReport, RoutingDelivery

DELIVER = "routing.deliver"
NOTIFY = "routing.notify"
REMIND = "routing.remind"
ESCALATE = "routing.escalate"
ALERT_FAILED = "routing.alert_failed"
ACKNOWLEDGE_STEP = "acknowledge"
CONTACT_STEP = "first_contact"


class RoutingRefused(Exception):
    """A routing rule forbids this (outside consent, not confirmed, inactive receiver)."""


class NotYours(Exception):
    """The person does not act for the organization the case was routed to."""


class OutcomeInvalid(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("outcome report is invalid")
        self.errors = errors


# --- routing a confirmed referral ------------------------------------------------------------
def route_confirmed_referral(*, referral: Referral, destinations, actor) -> list[RoutingDelivery]:
    """Send a confirmed referral to its destinations. The confirm service calls this inside its
    own transaction, after saving the referral as confirmed, with `propose_destinations(...)
    .allowed` (or the part of it the reviewer kept). One delivery row and one outbox row per
    destination are written in that transaction; a destination already routed is skipped."""
    with transaction.atomic():
        locked = lock_row(Referral, referral.pk)
        if locked.status != Status.CONFIRMED:
            raise RoutingRefused(f"{locked} is not confirmed")
        deliveries = []
        for proposed in destinations:
            if proposed.blocked:
                raise RoutingRefused(proposed.blocked_reason)
            # The rule again, against the row as it is now: consent is never widened here.
            if not rules.consent_allows(proposed.destination, locked.consent_scopes):
                raise RoutingRefused(f"{locked}: consent does not cover {proposed.label}")
            organization = proposed.organization
            if organization is None or not organization.is_active:
                raise RoutingRefused(f"{proposed.name} cannot receive cases")
            if RoutingDelivery.objects.filter(referral=locked, organization=organization).exists():
                continue
            entry = proposed.entry
            delivery = RoutingDelivery.objects.create(
                referral=locked,
                organization=organization,
                destination=proposed.destination,
                district=entry if proposed.destination == "district" else None,
                rhtp_provider=entry if proposed.destination == "rhtp_provider" else None,
                appears_eligible=proposed.appears_eligible,
                child_welfare_pathway=locked.minor_at_referral or locked.is_minor,
                routed_by=actor,
                next_attempt_at=timezone.now(),
            )
            outbox.enqueue(DELIVER, delivery_id=delivery.pk)
            record_event(
                referral=locked,
                actor=actor,
                kind=EventKind.ROUTED,
                note=f"Sent to {organization.name}.",
                visible_to_referrer=True,
            )
            deliveries.append(delivery)
    return deliveries


# --- delivery (called by the outbox handlers, in the outbox row's transaction) ---------------
def arrive(delivery: RoutingDelivery, now) -> None:
    """The case appears in the receiving organization's portal; its people are told."""
    delivery.portal_delivered_at = now
    delivery.acknowledge_due_at = add_business_days(now, settings.ROUTING_ACKNOWLEDGE_BUSINESS_DAYS)
    delivery.first_contact_due_at = add_business_days(
        now, settings.ROUTING_FIRST_CONTACT_BUSINESS_DAYS
    )
    outbox.enqueue(NOTIFY, delivery_id=delivery.pk)


def schedule_retry(delivery: RoutingDelivery, at) -> None:
    """The next webhook try, as an outbox row due at `at`: the beat relay picks it up then, so
    no long countdown ever sits in Redis, where a restart or eviction could lose it."""
    delivery.next_attempt_at = at
    OutboxMessage.objects.create(
        kind=DELIVER, payload={"delivery_id": delivery.pk}, available_at=at
    )


def give_up(delivery: RoutingDelivery) -> None:
    delivery.fail()
    record_event(
        referral=delivery.referral,
        actor=None,
        kind=EventKind.DELIVERY_FAILED,
        note=f"Delivery to {delivery.organization.name} failed after {delivery.attempts} tries.",
        visible_to_referrer=False,
    )
    outbox.enqueue(ALERT_FAILED, delivery_id=delivery.pk)


def resend_delivery(*, delivery: RoutingDelivery, actor) -> RoutingDelivery:
    """An administrator sends a failed (or stuck) delivery again, with a fresh count of tries."""
    if not is_acting_administrator(actor):
        raise NotYours("only administrators resend deliveries")
    with transaction.atomic():
        locked = lock_row(RoutingDelivery.objects.select_related("referral"), delivery.pk)
        if not can_proceed(locked.send_again):
            raise RoutingRefused("this delivery has already been delivered")
        locked.send_again(at=timezone.now())
        locked.save()
        outbox.enqueue(DELIVER, delivery_id=locked.pk)
        record_event(
            referral=locked.referral,
            actor=actor,
            kind=EventKind.ROUTED,
            note=f"Sent again to {locked.organization.name} by an administrator.",
            visible_to_referrer=False,
        )
    return locked


def resend_stuck_deliveries(*, now=None) -> int:
    """The sweep behind the outbox relay: a queued delivery with no outbox row waiting or
    running (its row failed for good, or was lost) is queued again. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.ROUTING_STUCK_AFTER_SECONDS)
    live = OutboxMessage.objects.annotate(delivery_id=KT("payload__delivery_id")).filter(
        kind=DELIVER,
        delivery_id=Cast(OuterRef("pk"), output_field=CharField()),
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.DISPATCHED],
    )
    count = 0
    with transaction.atomic():
        stuck = (
            RoutingDelivery.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.QUEUED, next_attempt_at__lt=cutoff)
            .filter(~Exists(live))
        )
        for delivery in stuck:
            delivery.next_attempt_at = now
            delivery.save(update_fields=["next_attempt_at"])
            outbox.enqueue(DELIVER, delivery_id=delivery.pk)
            count += 1
    return count


# --- the receiving agency ------------------------------------------------------------------
def _check_actor(delivery: RoutingDelivery, actor) -> None:
    if (
        not may_act_as(actor, RECEIVING)
        or actor.organization_id != delivery.organization_id
        or delivery.portal_delivered_at is None
    ):
        raise NotYours("this case was not routed to the person's organization")


def _acknowledge(locked: RoutingDelivery, actor, now) -> None:
    locked.acknowledged_at = now
    locked.acknowledged_by = actor
    record_event(
        referral=locked.referral,
        actor=actor,
        kind=EventKind.ACKNOWLEDGED,
        note=f"{locked.organization.name} acknowledged receipt.",
        visible_to_referrer=True,
    )


def _locked_delivery(delivery: RoutingDelivery) -> RoutingDelivery:
    return lock_row(
        RoutingDelivery.objects.select_related("referral", "organization"),
        delivery.pk,
        of=("self",),
    )


def acknowledge_delivery(*, delivery: RoutingDelivery, actor) -> RoutingDelivery:
    with transaction.atomic():
        locked = _locked_delivery(delivery)
        _check_actor(locked, actor)
        if locked.acknowledged_at is None:  # a second click changes nothing
            _acknowledge(locked, actor, timezone.now())
            locked.save()
    return locked


def report_outcome(
    *,
    delivery: RoutingDelivery,
    actor,
    outcome: str,
    attempts: list[tuple[date, str]] = (),
    transferred_to: str = "",
    note: str = "",
) -> OutcomeReport:
    """Record what the agency did. Reporting implies receipt, so an unacknowledged case is
    acknowledged too. The referrer's timeline shows the outcome, never the private note."""
    transferred_to = transferred_to.strip()
    with transaction.atomic():
        locked = _locked_delivery(delivery)
        _check_actor(locked, actor)
        now = timezone.now()
        _validate_outcome(locked, outcome, attempts, transferred_to, now)
        if locked.acknowledged_at is None:
            _acknowledge(locked, actor, now)
        report = OutcomeReport.objects.create(
            delivery=locked,
            outcome=outcome,
            reported_by=actor,
            reported_at=now,
            note=note,
            transferred_to=transferred_to if outcome == Outcome.TRANSFERRED else "",
        )
        ContactAttempt.objects.bulk_create(
            ContactAttempt(report=report, attempted_on=day, method=method)
            for day, method in attempts
        )
        if locked.first_outcome_at is None:
            locked.first_outcome_at = now
        locked.save()
        record_event(
            referral=locked.referral,
            actor=actor,
            kind=EventKind.OUTCOME_REPORTED,
            note=f"{locked.organization.name}: {Outcome(outcome).label}.",
            visible_to_referrer=True,
        )
    return report


def _validate_outcome(delivery, outcome, attempts, transferred_to, now) -> None:
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what happened."
    if outcome == Outcome.COULD_NOT_REACH and not attempts:
        errors["attempts"] = "Add at least one attempt to reach the person: its date and how."
    if outcome == Outcome.TRANSFERRED and not transferred_to:
        errors["transferred_to"] = "Enter the agency the case was transferred to."
    earliest = timezone.localdate(delivery.routed_at)
    for day, method in attempts:
        if method not in ContactAttempt.Method.values:
            errors["attempts"] = "Choose how each attempt was made."
        elif day > timezone.localdate(now) or day < earliest:
            errors["attempts"] = (
                f"Attempt dates must be between {earliest:%B %-d, %Y} (when the case was sent) "
                "and today."
            )
    if errors:
        raise OutcomeInvalid(errors)


# --- deadlines: reminders on the due day, escalation once missed ---------------------------
def check_deadlines(*, now=None) -> dict[str, int]:
    """Run daily by beat. Each reminder or escalation is flagged on the delivery and sent as an
    outbox row in the same transaction, so it goes out once."""
    now = now or timezone.now()
    soon = now + timedelta(hours=24)
    counts = {"reminded": 0, "escalated": 0}
    base = RoutingDelivery.objects.select_for_update(skip_locked=True).filter(
        portal_delivered_at__isnull=False
    )
    steps = [
        (ACKNOWLEDGE_STEP, "acknowledged_at", "acknowledge_due_at", "acknowledge"),
        (CONTACT_STEP, "first_outcome_at", "first_contact_due_at", "contact"),
    ]
    with transaction.atomic():
        for step, done_field, due_field, prefix in steps:
            open_cases = base.filter(**{f"{done_field}__isnull": True})
            for delivery in open_cases.filter(
                **{f"{due_field}__lt": now, f"{prefix}_escalated_at__isnull": True}
            ):
                setattr(delivery, f"{prefix}_escalated_at", now)
                delivery.save(update_fields=[f"{prefix}_escalated_at"])
                outbox.enqueue(ESCALATE, delivery_id=delivery.pk, step=step)
                counts["escalated"] += 1
            for delivery in open_cases.filter(
                **{
                    f"{due_field}__gte": now,
                    f"{due_field}__lte": soon,
                    f"{prefix}_reminded_at__isnull": True,
                }
            ):
                setattr(delivery, f"{prefix}_reminded_at", now)
                delivery.save(update_fields=[f"{prefix}_reminded_at"])
                outbox.enqueue(REMIND, delivery_id=delivery.pk, step=step)
                counts["reminded"] += 1
    return counts

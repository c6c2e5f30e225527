"""The reviewer's work on a referral before the decision: assignment, requests for
information, consultations, extensions, the paused clock and the daily deadline reminders.
Decisions and appeals are in decisions.py.

Each action is a keyword-only function: it opens a transaction, locks the referral row, checks
the rule, changes the rows, writes the timeline event and any outbox rows. Errors name rules and
reference numbers only, never personal data, and their messages are written to be shown.
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django_fsm import can_proceed

from accounts.models import Organization, User
from referral_portal import outbox, times
from referral_portal.business_days import (
    CLOSE_OF_BUSINESS,
    NEW_YORK,
    business_days_waited,
    is_business_day,
    next_business_day,
    shift_business_days,
)
from referral_portal.locks import lock_row
from referral_portal.roles import CASE_MANAGERS, STATE_STAFF, SUPERVISORS, may_act_as
from referrals.models import EventKind, InformationRequest, Reason, Referral
from referrals.services import StaleReferral, move_and_record, record_event

from .choices import QUEUE_STATUSES, Agency, ConsultationOutcome
from .models import ClockPause, Consultation, DeadlineReminder, Extension

__all__ = ["ReviewRefused", "StaleReferral"]

INFORMATION_REQUESTED = "confirmations.information_requested"
DEADLINE_REMINDER = "confirmations.deadline_reminder"


class ReviewRefused(Exception):
    """A review rule forbids this. The message is plain language, safe to show to the person,
    and names no one referred."""


# --- rules -------------------------------------------------------------------------------------
# Each rule is asked twice with the same function: by the case page, to decide which buttons to
# show (confirmations.views.permissions), and by the service below, under the row lock. What the
# referral's state allows is asked of its transitions (django_fsm.can_proceed) or of the queue's
# statuses, declared once with them in referrals.models.
def is_reviewer(user) -> bool:
    return may_act_as(user, STATE_STAFF)


def manages_assignments(user) -> bool:
    return may_act_as(user, CASE_MANAGERS)


def is_supervisor(user) -> bool:
    return may_act_as(user, SUPERVISORS)


def is_assigned(user, referral: Referral) -> bool:
    return is_reviewer(user) and referral.assigned_reviewer_id == user.pk


def in_queue(referral: Referral) -> bool:
    """A decision, or a decision on appeal, is still to be made."""
    return referral.status in QUEUE_STATUSES


def awaits_decision(referral: Referral) -> bool:
    """The first decision can be made now: the referral may be confirmed and declined."""
    return can_proceed(referral.confirm) and can_proceed(referral.decline)


def awaits_appeal_decision(referral: Referral) -> bool:
    return can_proceed(referral.overturn_on_appeal) and can_proceed(referral.uphold_on_appeal)


def may_be_assigned(reviewer, referral: Referral) -> bool:
    """An active State reviewer, and not the person whose decline is under appeal."""
    if not is_reviewer(reviewer):
        return False
    decliner = declined_by(referral)
    return decliner is None or decliner.pk != reviewer.pk


def may_claim(user, referral: Referral) -> bool:
    return (
        in_queue(referral)
        and referral.assigned_reviewer_id is None
        and may_be_assigned(user, referral)
    )


def may_release(user, referral: Referral) -> bool:
    return (
        in_queue(referral)
        and referral.assigned_reviewer_id is not None
        and (is_assigned(user, referral) or manages_assignments(user))
    )


def may_reassign(user, referral: Referral) -> bool:
    return in_queue(referral) and manages_assignments(user)


def may_request_information(user, referral: Referral) -> bool:
    return is_assigned(user, referral) and can_proceed(referral.request_information)


def may_consult(user, referral: Referral) -> bool:
    return is_assigned(user, referral) and in_queue(referral)


def extends_deadlines(user, referral: Referral) -> bool:
    """The assigned reviewer, or any supervisor."""
    return is_assigned(user, referral) or is_supervisor(user)


def may_extend(user, referral: Referral) -> bool:
    return in_queue(referral) and extends_deadlines(user, referral)


def may_decide(user, referral: Referral) -> bool:
    return is_assigned(user, referral) and awaits_decision(referral)


def may_decide_appeal(user, referral: Referral) -> bool:
    return is_assigned(user, referral) and awaits_appeal_decision(referral)


def _name(user) -> str:
    return user.get_full_name() or user.username


def locked_referral(referral: Referral, *, expected_version: int | None = None) -> Referral:
    """The referral row, locked until the transaction ends. A stale form (the referral changed
    since the page was loaded) raises StaleReferral."""
    locked = lock_row(Referral, referral.pk, of=("self",))
    if expected_version is not None and locked.version != expected_version:
        raise StaleReferral(locked.reference or "draft")
    return locked


def check_assigned(locked: Referral, actor) -> None:
    if not is_assigned(actor, locked):
        raise ReviewRefused(
            "Only the reviewer assigned to this referral can do this. Claim it, or ask a "
            "supervisor to assign it to you."
        )


def _check_in_queue(locked: Referral) -> None:
    if not in_queue(locked):
        raise ReviewRefused(f"Referral {locked.reference} is not waiting for a decision.")


def declined_by(locked: Referral):
    """The person whose decline is under appeal: they may not decide the appeal."""
    if not awaits_appeal_decision(locked):
        return None
    appeal = getattr(locked, "decline_appeal", None)
    return appeal.declined_by if appeal is not None else None


def _check_may_be_assigned(locked: Referral, reviewer) -> None:
    if not is_reviewer(reviewer):
        raise ReviewRefused("Only active State reviewers and supervisors can be assigned.")
    if not may_be_assigned(reviewer, locked):
        raise ReviewRefused(
            "A different reviewer must decide the appeal: this person declined the referral."
        )


# --- assignment --------------------------------------------------------------------------------
def claim_referral(*, referral: Referral, reviewer) -> Referral:
    with transaction.atomic():
        locked = locked_referral(referral)
        _check_in_queue(locked)
        if locked.assigned_reviewer_id == reviewer.pk:
            return locked
        if locked.assigned_reviewer_id is not None:
            raise ReviewRefused(
                f"Referral {locked.reference} is already assigned to "
                f"{_name(locked.assigned_reviewer)}."
            )
        _check_may_be_assigned(locked, reviewer)
        locked.assigned_reviewer = reviewer
        locked.save(update_fields=["assigned_reviewer", "updated_at"])
        record_event(
            referral=locked,
            actor=reviewer,
            kind=EventKind.ASSIGNED,
            note=f"Claimed by {_name(reviewer)}.",
            visible_to_referrer=False,
        )
    return locked


def release_referral(*, referral: Referral, actor) -> Referral:
    """Back to unassigned: by the assigned reviewer, or by a supervisor or administrator."""
    with transaction.atomic():
        locked = locked_referral(referral)
        _check_in_queue(locked)
        if locked.assigned_reviewer_id is None:
            return locked
        if not may_release(actor, locked):
            raise ReviewRefused("Only the assigned reviewer or a supervisor can release it.")
        previous = locked.assigned_reviewer
        locked.assigned_reviewer = None
        locked.save(update_fields=["assigned_reviewer", "updated_at"])
        record_event(
            referral=locked,
            actor=actor,
            kind=EventKind.RELEASED,
            note=f"Released by {_name(actor)} (was assigned to {_name(previous)}).",
            visible_to_referrer=False,
        )
    return locked


def reassign_referral(*, referral: Referral, actor, reviewer) -> Referral:
    if not manages_assignments(actor):
        raise ReviewRefused("Only supervisors and administrators can reassign referrals.")
    with transaction.atomic():
        locked = locked_referral(referral)
        _check_in_queue(locked)
        _check_may_be_assigned(locked, reviewer)
        if locked.assigned_reviewer_id == reviewer.pk:
            return locked
        previous = locked.assigned_reviewer
        locked.assigned_reviewer = reviewer
        locked.save(update_fields=["assigned_reviewer", "updated_at"])
        was = f" from {_name(previous)}" if previous else ""
        record_event(
            referral=locked,
            actor=actor,
            kind=EventKind.REASSIGNED,
            note=f"Reassigned{was} to {_name(reviewer)} by {_name(actor)}.",
            visible_to_referrer=False,
        )
    return locked


def assignable_reviewers(referral: Referral):
    people = User.objects.filter(
        role__in=STATE_STAFF,
        is_active=True,
        organization__status__in=Organization.ACTIVE_STATUSES,
    ).order_by("last_name", "first_name", "username")
    decliner = declined_by(referral)
    if decliner is not None:
        people = people.exclude(pk=decliner.pk)
    return people


# --- requests for information ------------------------------------------------------------------
def _clean_reasons(reasons) -> list[str]:
    chosen = [value for value in Reason.values if value in set(reasons)]
    if not chosen or len(chosen) != len(set(reasons)):
        raise ReviewRefused("Choose at least one reason from the list.")
    return chosen


def request_information(
    *, referral: Referral, reviewer, reasons, message: str, expected_version: int | None = None
) -> InformationRequest:
    """Ask the referrer for more. The referrer sees the request in the portal and gets an
    e-mail with the reference number and a link only."""
    reasons = _clean_reasons(reasons)
    message = (message or "").strip()
    if not message:
        raise ReviewRefused("Write what the referrer should send.")
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        check_assigned(locked, reviewer)
        if not may_request_information(reviewer, locked):
            raise ReviewRefused(
                "Information can be requested only before the decision, and only when no "
                "other request is waiting for an answer."
            )
        request = InformationRequest.objects.create(
            referral=locked, requested_by=reviewer, reasons=reasons, message=message
        )
        move_and_record(
            locked,
            "request_information",
            actor=reviewer,
            kind=EventKind.INFO_REQUESTED,
            note="; ".join(request.get_reasons_display()),
        )
        if settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION:
            ClockPause.objects.create(
                referral=locked, information_request=request, due_at_before=locked.due_at
            )
        outbox.enqueue(INFORMATION_REQUESTED, request=str(request.public_id))
    return request


# --- the paused clock ---------------------------------------------------------------------------
def resume_clock(*, referral: Referral, at: datetime | None = None) -> ClockPause | None:
    """The referrer answered: move the due date later by the business days waited. Called in
    the answering transaction (signals.py), where the referral row is already locked."""
    at = at or timezone.now()
    with transaction.atomic():
        pause = (
            ClockPause.objects.select_for_update()
            .filter(referral_id=referral.pk, resumed_at__isnull=True)
            .first()
        )
        if pause is None:
            return None
        current_due = Referral.objects.values_list("due_at", flat=True).get(pk=referral.pk)
        new_due = shift_business_days(current_due, business_days_waited(pause.paused_at, at))
        Referral.objects.filter(pk=referral.pk).update(due_at=new_due)
        referral.due_at = new_due
        pause.resumed_at = at
        pause.due_at_after = new_due
        pause.save(update_fields=["resumed_at", "due_at_after"])
    return pause


# --- consultation ------------------------------------------------------------------------------
def record_consultation(
    *,
    referral: Referral,
    reviewer,
    agency: str,
    consulted_with: str,
    consulted_at: datetime,
    outcome: str,
    note: str = "",
) -> Consultation:
    consulted_with = (consulted_with or "").strip()
    if agency not in Agency.values:
        raise ReviewRefused("Choose the agency you consulted.")
    if outcome not in ConsultationOutcome.values:
        raise ReviewRefused("Choose the outcome of the consultation.")
    if not consulted_with:
        raise ReviewRefused("Enter who you consulted.")
    now = timezone.now()
    if consulted_at > now:
        raise ReviewRefused("The consultation cannot be in the future.")
    with transaction.atomic():
        locked = locked_referral(referral)
        check_assigned(locked, reviewer)
        _check_in_queue(locked)
        consultation = Consultation.objects.create(
            referral=locked,
            agency=agency,
            consulted_with=consulted_with,
            consulted_at=consulted_at,
            outcome=outcome,
            note=(note or "").strip(),
            recorded_by=reviewer,
            recorded_at=now,
        )
        record_event(
            referral=locked,
            actor=reviewer,
            kind=EventKind.CONSULTATION_RECORDED,
            note=f"With {agency}: {ConsultationOutcome(outcome).label}.",
            visible_to_referrer=False,
        )
    return consultation


# --- extension for good cause -------------------------------------------------------------------
def due_at_close_of(day: date) -> datetime:
    return datetime.combine(day, CLOSE_OF_BUSINESS, tzinfo=NEW_YORK)


def extend_deadline(
    *,
    referral: Referral,
    actor,
    reason: str,
    new_due_date: date,
    expected_version: int | None = None,
) -> Extension:
    """A new due date (5 pm on a business day) for good cause: by the assigned reviewer or a
    supervisor. The reason stays with State staff; the referrer sees the new date."""
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused("Give the good cause for the extension.")
    if not is_business_day(new_due_date):
        raise ReviewRefused("The new due date must be a New York State business day.")
    new_due = due_at_close_of(new_due_date)
    with transaction.atomic():
        locked = locked_referral(referral, expected_version=expected_version)
        if not extends_deadlines(actor, locked):
            raise ReviewRefused("Only the assigned reviewer or a supervisor can extend it.")
        _check_in_queue(locked)
        if new_due <= locked.due_at:
            raise ReviewRefused("The new due date must be later than the current one.")
        extension = Extension.objects.create(
            referral=locked,
            reason=reason,
            previous_due_at=locked.due_at,
            new_due_at=new_due,
            granted_by=actor,
        )
        locked.due_at = new_due
        locked.save(update_fields=["due_at", "updated_at"])
        record_event(
            referral=locked,
            actor=actor,
            kind=EventKind.EXTENDED,
            note=f"Decision now due {times.deadline(new_due, '')}.",
            visible_to_referrer=True,
        )
    return extension


# --- daily deadline reminders -------------------------------------------------------------------
def reminder_cutoff(now: datetime) -> datetime:
    """Close of business on the next business day: what is due by then is "due soon"."""
    return due_at_close_of(next_business_day(timezone.localtime(now, NEW_YORK).date()))


def open_clock_pause():
    """Matches a referral whose clock is paused (a question is waiting, pausing was on)."""
    return Exists(ClockPause.objects.filter(referral=OuterRef("pk"), resumed_at__isnull=True))


def due_soon_or_overdue(now: datetime):
    return Referral.objects.filter(
        status__in=QUEUE_STATUSES, due_at__lte=reminder_cutoff(now)
    ).exclude(open_clock_pause())


def send_deadline_reminders(*, now: datetime | None = None) -> int:
    """Run daily by beat. One e-mail per person per day (a DeadlineReminder row, unique per
    person and day, written with its outbox row): the assigned reviewers of referrals due by the
    end of the next business day or overdue, and every supervisor. Returns how many."""
    now = now or timezone.now()
    today = timezone.localtime(now, NEW_YORK).date()
    due = due_soon_or_overdue(now)
    reviewer_ids = set(
        due.exclude(assigned_reviewer=None).values_list("assigned_reviewer_id", flat=True)
    )
    if not due.exists():
        return 0
    supervisors = User.objects.filter(role__in=SUPERVISORS, is_active=True)
    recipients = (User.objects.filter(pk__in=reviewer_ids, is_active=True) | supervisors).exclude(
        email=""
    )
    sent = 0
    with transaction.atomic():
        for recipient in recipients.distinct():
            _, created = DeadlineReminder.objects.get_or_create(recipient=recipient, day=today)
            if created:
                outbox.enqueue(DEADLINE_REMINDER, recipient=recipient.pk, day=today.isoformat())
                sent += 1
    return sent

"""Outbox handlers: the e-mails of the review. Each carries a reference number and a link,
never a name or any other fact about the person, nor the decision itself (the notice, behind
sign-in, says that)."""

from datetime import date

from django.utils import timezone

from access_log.models import AccessAction
from accounts.models import User
from referral_portal import mail, outbox, times
from referral_portal.business_days import NEW_YORK
from referral_portal.roles import SUPERVISORS, Role
from referrals import break_glass
from referrals.models import InformationRequest

from . import decisions, services
from .models import Appeal, Decision


def _referrers(referral) -> list[str]:
    """The person who submitted the referral; if their account is gone, the organization's
    administrators."""
    submitter = referral.submitted_by
    if submitter is not None and submitter.is_active and submitter.email:
        return [submitter.email]
    return list(
        User.objects.filter(
            organization_id=referral.organization_id, role=Role.ORG_ADMIN, is_active=True
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _tell_referrers(template: str, referral) -> None:
    """An e-mail to the referrers with the reference number and a link to the referral."""
    mail.send(
        template,
        {
            "reference": referral.reference,
            "link": mail.link("referrals:detail", referral.public_id),
        },
        _referrers(referral),
    )


def _supervisors():
    return (
        User.objects.filter(role=Role.STATE_SUPERVISOR, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


@outbox.handler(services.INFORMATION_REQUESTED)
def information_requested(request: str) -> None:
    information_request = InformationRequest.objects.select_related("referral__submitted_by").get(
        public_id=request
    )
    referral = information_request.referral
    _tell_referrers("confirmations/email/information_requested", referral)


@outbox.handler(decisions.DECIDED)
def decided(decision: str) -> None:
    decision = Decision.objects.select_related("referral__submitted_by").get(public_id=decision)
    referral = decision.referral
    _tell_referrers("confirmations/email/decided", referral)


@outbox.handler(decisions.APPEAL_FILED)
def appeal_filed(appeal: str) -> None:
    appeal = Appeal.objects.select_related("referral").get(public_id=appeal)
    mail.send(
        "confirmations/email/appeal_filed",
        {
            "reference": appeal.referral.reference,
            "link": mail.link("confirmations:case", appeal.referral.public_id),
        },
        _supervisors(),
    )


@outbox.handler(break_glass.BREAK_GLASS_OPENED)
def break_glass_opened(grant: str) -> None:
    """Who opened which reference, the purpose category and until when; never the reason
    (free text, read on the case page) nor anything about the person."""
    grant = break_glass.BreakGlassGrant.objects.select_related("referral", "granted_to").get(
        public_id=grant
    )
    administrator = grant.granted_to
    until = timezone.localtime(grant.expires_at, NEW_YORK)
    mail.send(
        "confirmations/email/break_glass_opened",
        {
            "who": administrator.get_full_name() or administrator.username,
            "username": administrator.username,
            "reference": grant.referral.reference,
            "until": times.deadline(until, ""),
            "purpose": grant.get_purpose_display(),
            "action": AccessAction.BREAK_GLASS.label,
            "link": mail.link("confirmations:case", grant.referral.public_id),
        },
        _supervisors(),
    )


def _deadline_line(referral, now) -> str:
    state = "OVERDUE" if referral.due_at <= now else "due"
    who = "" if referral.assigned_reviewer_id else " (not assigned)"
    return f"- {referral.reference}: {state} {times.when(referral.due_at, 'short')}{who}"


@outbox.handler(services.DEADLINE_REMINDER)
def deadline_reminder(recipient: int, day: str) -> None:
    person = User.objects.filter(pk=recipient, is_active=True).exclude(email="").first()
    if person is None:
        return
    now = timezone.now()
    due = services.due_soon_or_overdue(now).order_by("due_at", "id")
    if person.role not in SUPERVISORS:
        due = due.filter(assigned_reviewer=person)
    lines = [_deadline_line(r, now) for r in due.only("reference", "due_at", "assigned_reviewer")]
    if not lines:
        return  # decided since the reminder was queued
    mail.send(
        "confirmations/email/deadline_reminder",
        {
            "count": len(lines),
            "day": f"{date.fromisoformat(day):%B %-d, %Y}",
            "lines": lines,
            "link": mail.link("confirmations:queue"),
        },
        [person.email],
    )

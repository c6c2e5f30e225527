"""Outbox handlers: the e-mails of the review. Each carries a reference number and a link,
never a name or any other fact about the person, nor the decision itself (the notice, behind
sign-in, says that)."""

from datetime import date

from django.core.mail import EmailMessage
from django.utils import timezone

from accounts.models import User
from referral_portal import outbox, times
from referral_portal.audit import AccessAction
from referral_portal.business_days import NEW_YORK
from referral_portal.roles import Role
from referrals import break_glass
from referrals.models import InformationRequest

from . import decisions, services
from .models import Appeal, Decision
from .notices import portal_link


def _send(subject: str, body: str, recipients) -> int:
    sent = 0
    for address in sorted({a for a in recipients if a}):
        # One message per person: recipients never see each other's addresses.
        EmailMessage(subject=subject, body=body, to=[address]).send()
        sent += 1
    return sent


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
    body = (
        f"The State reviewer needs more information about referral {referral.reference}.\n\n"
        f"Sign in to read the request and answer it:\n"
        f"{portal_link('referrals:detail', referral.public_id)}\n\n"
        "For the person's privacy, this e-mail holds no personal details."
    )
    _send(f"Referral {referral.reference}: more information needed", body, _referrers(referral))


@outbox.handler(decisions.DECIDED)
def decided(decision: str) -> None:
    decision = Decision.objects.select_related("referral__submitted_by").get(public_id=decision)
    referral = decision.referral
    body = (
        f"The State has made a decision on referral {referral.reference}.\n\n"
        f"Sign in to see it and download the notice:\n"
        f"{portal_link('referrals:detail', referral.public_id)}\n\n"
        "For the person's privacy, this e-mail holds no personal details."
    )
    _send(f"Referral {referral.reference}: decision made", body, _referrers(referral))


@outbox.handler(decisions.APPEAL_FILED)
def appeal_filed(appeal: str) -> None:
    appeal = Appeal.objects.select_related("referral").get(public_id=appeal)
    reference = appeal.referral.reference
    supervisors = _supervisors()
    body = (
        f"The referring organization appealed the decline of referral {reference}.\n"
        "A reviewer who did not make the first decision must decide it.\n\n"
        f"{portal_link('confirmations:case', appeal.referral.public_id)}\n"
    )
    _send(f"Appeal filed: referral {reference}", body, supervisors)


@outbox.handler(break_glass.BREAK_GLASS_OPENED)
def break_glass_opened(grant: str) -> None:
    """Who opened which reference, the purpose category and until when; never the reason
    (free text, read on the case page) nor anything about the person."""
    grant = break_glass.BreakGlassGrant.objects.select_related("referral", "granted_to").get(
        public_id=grant
    )
    administrator = grant.granted_to
    who = administrator.get_full_name() or administrator.username
    reference = grant.referral.reference
    until = timezone.localtime(grant.expires_at, NEW_YORK)
    body = (
        f"{who} ({administrator.username}), an administrator, opened referral {reference} "
        f"under break-glass access, until {until:%-I:%M %p} on {until:%B %-d, %Y} "
        "(New York time).\n"
        f"Purpose: {grant.get_purpose_display()}.\n\n"
        f'The access log records the grant (action "{AccessAction.BREAK_GLASS.label}", '
        f"reference {reference}) and every page and file opened under it. Read the reason and "
        "who viewed the case on the case page, under Break-glass access and Viewed by:\n"
        f"{portal_link('confirmations:case', grant.referral.public_id)}#break-glass\n\n"
        "For the person's privacy, this e-mail holds no personal details."
    )
    _send(f"Break-glass access to referral {reference}", body, _supervisors())


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
    if person.role != Role.STATE_SUPERVISOR:
        due = due.filter(assigned_reviewer=person)
    lines = [_deadline_line(r, now) for r in due.only("reference", "due_at", "assigned_reviewer")]
    if not lines:
        return  # decided since the reminder was queued
    when = date.fromisoformat(day)
    body = (
        f"Referrals due by the end of the next business day, or overdue ({when:%B %-d, %Y}):\n\n"
        + "\n".join(lines)
        + f"\n\nThe review queue: {portal_link('confirmations:queue')}\n"
    )
    _send(f"Referral decisions due: {len(lines)}", body, [person.email])

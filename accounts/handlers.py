"""Outbox handlers: the e-mails of onboarding. Each carries a reference and a link, nothing
about the person beyond the address it goes to."""

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from referral_portal import outbox
from referral_portal.roles import Role

from . import services
from .models import Invitation, Organization, User


def _link(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _render(name: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"accounts/email/{name}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{name}_message.txt", context)
    return subject, body


@outbox.handler("accounts.send_invitation")
def send_invitation(invitation_id: int):
    issued = services.issue_invitation_token(invitation_id=invitation_id)
    if issued is None:
        return  # withdrawn, used or its organization no longer verified: nothing to send
    invitation, token = issued
    subject, body = _render(
        "invitation",
        {
            "link": _link(reverse("accounts:invitation_link", args=[token])),
            "valid_hours": settings.INVITATION_VALID_HOURS,
            "reference": reference(invitation.public_id),
        },
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


@outbox.handler("accounts.application_received")
def notify_administrators(organization_id: int):
    organization = Organization.objects.get(pk=organization_id)
    recipients = list(
        User.objects.filter(
            role=Role.ADMINISTRATOR,
            is_active=True,
            organization__status__in=Organization.ACTIVE_STATUSES,
        )
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    subject, body = _render(
        "application_received",
        {
            "link": _link(reverse("accounts:organization_detail", args=[organization.public_id])),
            "reference": reference(organization.public_id),
        },
    )
    # One message, blind copies: a retry cannot send some administrators two.
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, bcc=recipients).send()


@outbox.handler("accounts.application_declined")
def tell_applicant_declined(invitation_id: int):
    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    organization = invitation.organization
    subject, body = _render(
        "application_declined",
        {
            "reference": reference(organization.public_id),
            # The administrator's recorded reason (the decision form says it is sent); a
            # declined application is final, so the reason on the row is the decline's.
            "reason": organization.status_reason,
            "support_email": settings.PORTAL_SUPPORT_EMAIL,
        },
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


def reference(public_id) -> str:
    """A short reference people can quote on the telephone."""
    return str(public_id).split("-")[0].upper()

"""Outbox handlers: the e-mails of onboarding. Each carries a reference and a link, nothing
about the person beyond the address it goes to."""

from django.conf import settings

from referral_portal import mail, outbox
from referral_portal.roles import Role

from . import services
from .models import Invitation, Organization, User


@outbox.handler("accounts.send_invitation")
def send_invitation(invitation_id: int):
    issued = services.issue_invitation_token(invitation_id=invitation_id)
    if issued is None:
        return  # withdrawn, used or its organization no longer verified: nothing to send
    invitation, token = issued
    mail.send(
        "accounts/email/invitation",
        {
            "link": mail.link("accounts:invitation_link", token),
            "valid_hours": settings.INVITATION_VALID_HOURS,
            "reference": reference(invitation.public_id),
        },
        [invitation.email],
    )


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
    # One message, blind copies: a retry cannot send some administrators two.
    mail.send_blind_copies(
        "accounts/email/application_received",
        {
            "link": mail.link("accounts:organization_detail", organization.public_id),
            "reference": reference(organization.public_id),
        },
        recipients,
    )


@outbox.handler("accounts.application_declined")
def tell_applicant_declined(invitation_id: int):
    invitation = Invitation.objects.select_related("organization").get(pk=invitation_id)
    organization = invitation.organization
    mail.send(
        "accounts/email/application_declined",
        {
            "reference": reference(organization.public_id),
            # The administrator's recorded reason (the decision form says it is sent); a
            # declined application is final, so the reason on the row is the decline's.
            "reason": organization.status_reason,
            "support_email": settings.PORTAL_SUPPORT_EMAIL,
        },
        [invitation.email],
    )


def reference(public_id) -> str:
    """A short reference people can quote on the telephone."""
    return str(public_id).split("-")[0].upper()

"""Outbox handlers: e-mails about a referral carry its reference number and a link only."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from referral_portal import outbox, times

from .models import InformationRequest, Referral


def _link(referral: Referral) -> str:
    return settings.PORTAL_BASE_URL + reverse("referrals:detail", args=[referral.public_id])


@outbox.handler("referrals.submitted")
def referral_submitted(referral: str):
    referral = Referral.objects.select_related("submitted_by").get(public_id=referral)
    if not referral.submitted_by or not referral.submitted_by.email:
        return
    send_mail(
        subject=f"Referral {referral.reference} received",
        message=(
            f"The State received referral {referral.reference}.\n"
            f"A decision is due by {times.deadline(referral.due_at)}.\n\n"
            f"Sign in to see its status: {_link(referral)}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[referral.submitted_by.email],
    )


@outbox.handler("referrals.withdrawn")
def referral_withdrawn(referral: str):
    referral = Referral.objects.select_related("assigned_reviewer").get(public_id=referral)
    reviewer = referral.assigned_reviewer
    if reviewer is None or not reviewer.email:
        return
    send_mail(
        subject=f"Referral {referral.reference} was withdrawn",
        message=f"The referring organization withdrew referral {referral.reference}.\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[reviewer.email],
    )


@outbox.handler("referrals.information_provided")
def information_provided(referral: str, request: str):
    information_request = InformationRequest.objects.select_related("referral", "requested_by").get(
        public_id=request
    )
    reviewer = information_request.requested_by
    if not reviewer.email:
        return
    reference = information_request.referral.reference
    send_mail(
        subject=f"Referral {reference}: the referrer answered your request",
        message=f"The referring organization answered your request about {reference}.\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[reviewer.email],
    )

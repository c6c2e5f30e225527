"""Outbox handlers: e-mails about a referral carry its reference number and a link only
(templates in referrals/templates/referrals/email/)."""

from referral_portal import mail, outbox, times

from .models import InformationRequest, Referral


@outbox.handler("referrals.submitted")
def referral_submitted(referral: str):
    referral = Referral.objects.select_related("submitted_by").get(public_id=referral)
    if not referral.submitted_by or not referral.submitted_by.email:
        return
    mail.send(
        "referrals/email/submitted",
        {
            "reference": referral.reference,
            "due": times.deadline(referral.due_at),
            "link": mail.link("referrals:detail", referral.public_id),
        },
        [referral.submitted_by.email],
    )


@outbox.handler("referrals.withdrawn")
def referral_withdrawn(referral: str):
    referral = Referral.objects.select_related("assigned_reviewer").get(public_id=referral)
    reviewer = referral.assigned_reviewer
    if reviewer is None or not reviewer.email:
        return
    mail.send("referrals/email/withdrawn", {"reference": referral.reference}, [reviewer.email])


@outbox.handler("referrals.information_provided")
def information_provided(referral: str, request: str):
    information_request = InformationRequest.objects.select_related("referral", "requested_by").get(
        public_id=request
    )
    reviewer = information_request.requested_by
    if not reviewer.email:
        return
    mail.send(
        "referrals/email/information_provided",
        {"reference": information_request.referral.reference},
        [reviewer.email],
    )

"""The e-mails sent through the outbox carry a reference number and a link, nothing personal."""

import pytest
from django.core import mail

from referral_portal.models import OutboxMessage
from referrals import services
from tests.referrals.builders import submitted

pytestmark = pytest.mark.django_db


def test_the_submission_email_has_the_reference_and_link_only(drain_outbox):
    referral = submitted()
    assert drain_outbox("referrals.submitted", all_done=True) == 1
    (email,) = mail.outbox
    assert email.to == [referral.submitted_by.email]
    assert referral.reference in email.subject
    assert f"/referrals/{referral.public_id}/" in email.body
    for personal in [referral.legal_name, referral.phone, referral.email, referral.narrative[:15]]:
        assert personal not in email.subject + email.body


def test_a_withdrawal_enqueues_a_message_with_ids_only(drain_outbox):
    referral = submitted()
    services.withdraw_referral(referral=referral, user=referral.created_by, reason="Moved away.")
    message = OutboxMessage.objects.get(kind="referrals.withdrawn")
    assert message.payload == {"referral": str(referral.public_id)}
    # no reviewer yet
    assert drain_outbox("referrals.withdrawn", all_done=True) == 1

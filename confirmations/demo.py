"""Demo data for `manage.py seed_demo` (never in production).

Runs after the accounts, referrals and routing demos. If the demo reviewer exists and at least
two demo referrals wait in the queue, the oldest one is claimed, its consultation recorded and
confirmed for the Albany County district, so the demo shows a routed case (and the receiving
agency's side) while the queue keeps the rest. Running it twice changes nothing.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from referrals.models import Referral, Status

from . import decisions, services
from .choices import Agency, Basis, ConsultationOutcome
from .models import Decision

DEMO_REVIEWER = "demo-reviewer"


def seed():
    reviewer = User.objects.filter(username=DEMO_REVIEWER, is_active=True).first()
    if reviewer is None or Decision.objects.filter(decided_by=reviewer).exists():
        return
    waiting = Referral.objects.filter(
        status=Status.SUBMITTED, assigned_reviewer__isnull=True, county_of_residence__isnull=False
    ).order_by("submitted_at", "id")
    if waiting.count() < 2:
        return
    referral = waiting.first()
    with transaction.atomic():
        referral = services.claim_referral(referral=referral, reviewer=reviewer)
        services.record_consultation(
            referral=referral,
            reviewer=reviewer,
            agency=Agency.OTDA,
            consulted_with="Demo OTDA liaison",
            consulted_at=timezone.now(),
            outcome=ConsultationOutcome.AGREES_CONFIRM,
            note="Demo consultation.",
        )
        referral.refresh_from_db()
        decisions.confirm_referral(
            referral=referral,
            reviewer=reviewer,
            facts=decisions.ConfirmationFacts(
                basis=Basis.BOTH,
                appears_eligible=True,
                county=referral.county_of_residence,
                minor=referral.is_minor,
            ),
            expected_version=referral.version,
        )

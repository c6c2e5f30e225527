"""ReferralFactory: a referral in any state of its life, reached through the services only.

The draft is filled and submitted by tests/referrals/builders.py (referrals.services); the
review steps go through confirmations.services and confirmations.decisions, the way a reviewer
takes them (claim, consult, decide), so every state carries the events, decisions, notices and
outbox rows the portal would have written. Nothing here sets a status directly.

    ReferralFactory()                              submitted
    ReferralFactory(confirmed=True)                confirmed and routed by the decision
    ReferralFactory(confirmed=True, routed=False)  confirmed, the reviewer recorded no county,
                                                   so nothing is routed until the test routes it
    ReferralFactory(declined=True, reviewer=person, referrer=user, county_of_residence=...)

Other keyword arguments are referral fields set on the draft before it is submitted.
"""

from datetime import timedelta

import factory
from django.utils import timezone
from faker import Faker

from confirmations import decisions
from confirmations import services as review
from referral_portal.models import County
from referral_portal.roles import Role
from referrals import services
from referrals.models import ConsentScope, Referral, Status
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.referrals import builders

fake = Faker("en_US")
ALL_SHARING = [
    ConsentScope.CONFIRMATION,
    ConsentScope.SHARE_WITH_LDSS,
    ConsentScope.SHARE_WITH_RHTP,
    ConsentScope.SHARE_WITH_CHILD_WELFARE,
]


class ReferralFactory(factory.Factory):
    class Meta:
        model = Referral

    class Params:
        draft = factory.Trait(state=Status.DRAFT)
        info_requested = factory.Trait(state=Status.INFO_REQUESTED)
        info_provided = factory.Trait(state=Status.INFO_PROVIDED)
        confirmed = factory.Trait(state=Status.CONFIRMED)
        declined = factory.Trait(state=Status.DECLINED)
        appealed = factory.Trait(state=Status.APPEALED)
        withdrawn = factory.Trait(state=Status.WITHDRAWN)

    state = Status.SUBMITTED
    referrer = factory.LazyFunction(lambda: UserFactory(role=Role.REFERRER))
    reviewer = None  # the State reviewer who claims and decides; a new one when needed
    routed = True  # confirmed only: False confirms with no county found, so nothing is routed
    appears_eligible = True  # confirmed only: the reviewer's finding routing follows

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("ReferralFactory creates through the services; use create()")

    @classmethod
    def _create(
        cls, model_class, *, state, referrer, reviewer, routed, appears_eligible, **fields
    ) -> Referral:
        if state == Status.DRAFT:
            return builders.draft(referrer, **fields)
        referral = builders.submitted(referrer, **fields)
        if state == Status.WITHDRAWN:
            services.withdraw_referral(referral=referral, user=referrer, reason=fake.sentence())
        elif state != Status.SUBMITTED:
            reviewer = reviewer or helpers.reviewer()
            helpers.assigned(reviewer, referral)
            if state in (Status.INFO_REQUESTED, Status.INFO_PROVIDED):
                _ask(referral, reviewer, answer=state == Status.INFO_PROVIDED)
            else:
                helpers.consult(referral, reviewer)
                _decide(referral, reviewer, state, routed, appears_eligible)
        referral = Referral.objects.get(pk=referral.pk)
        # The referrer as built, with the TOTP secret a browser test signs in with.
        referral.created_by = referrer
        if referral.submitted_by_id == referrer.pk:
            referral.submitted_by = referrer
        return referral


def _ask(referral, reviewer, *, answer: bool) -> None:
    referral.refresh_from_db()
    request = review.request_information(
        referral=referral,
        reviewer=reviewer,
        reasons=["unclear_facts"],
        message=fake.sentence(),
        expected_version=referral.version,
    )
    if answer:
        services.answer_information_request(
            information_request=request, user=referral.created_by, response=fake.paragraph()
        )


def _decide(referral, reviewer, state, routed, appears_eligible) -> None:
    if state == Status.CONFIRMED:
        county = referral.county_of_residence if routed else None
        helpers.confirm(referral, reviewer, county=county, appears_eligible=appears_eligible)
        return
    if state not in (Status.DECLINED, Status.APPEALED):
        raise ValueError(f"ReferralFactory cannot reach {state!r}")
    helpers.decline(referral, reviewer)
    if state == Status.APPEALED:
        decisions.file_appeal(
            referral=referral, user=referral.created_by, statement=fake.paragraph()
        )


def stored_referral(*, county="Albany", consent_scopes=None, **fields) -> Referral:
    """A referral row written directly, in whatever status it is given, with no events,
    decisions, notices or outbox rows. Only for data sets of known counts and dates (the
    statistics in tests/reports, the operator's page in tests/referral_portal) where the
    lifecycle is not under test; everything else uses ReferralFactory."""
    referrer = fields.pop("referrer", None) or UserFactory(role=Role.REFERRER)
    now = timezone.now()
    values = {
        "organization": referrer.organization,
        "created_by": referrer,
        "submitted_by": referrer,
        "status": Status.CONFIRMED,
        "reference": f"NY-{now:%Y}-{fake.unique.random_int(10000, 99999)}",
        "submitted_at": now - timedelta(days=2),
        "due_at": now + timedelta(days=1),
        "decided_at": now,
        "consent_scopes": ALL_SHARING if consent_scopes is None else consent_scopes,
        "legal_name": fake.name(),
        "date_of_birth": fake.date_of_birth(minimum_age=19, maximum_age=60),
        "preferred_language": "es",
        "interpreter_needed": True,
        "immigration_status": "us_citizen",
        "county_of_residence": County.objects.get(name=county) if county else None,
        "address": fake.address(),
        "phone": fake.numerify("212-555-0###"),
        "email": fake.email(),
        "safe_contact_notes": fake.sentence(),
        "safe_to_call": True,
        "safe_to_text": False,
        "services_needed": ["case_management", "shelter"],
    }
    values.update(fields)
    return Referral.objects.create(**values)

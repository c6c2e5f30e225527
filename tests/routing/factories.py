"""Confirmed referrals and the people and directory entries around a routing."""

from django.core import mail

from accounts.models import Organization
from referral_portal.models import County
from referral_portal.roles import Role
from referrals.models import ImmigrationStatus
from routing.models import District, RhtpProvider
from tests.factories import OrganizationFactory, UserFactory
from tests.outbox import drain
from tests.referrals.factories import ALL_SHARING, ReferralFactory

__all__ = [
    "ALL_SHARING",
    "confirmed_referral",
    "district",
    "provider",
    "receiving_user",
    "reviewer",
]


def confirmed_referral(*, county="Albany", consent_scopes=None, referrer=None, **fields):
    """A referral confirmed by a real decision (ReferralFactory) in which the reviewer recorded
    no county, so nothing is routed yet: the routing tests route it themselves (`route()` in
    tests/routing/conftest.py). Consent covers every destination unless `consent_scopes` says
    otherwise; `fields` go into the draft before it is submitted. It was decided before the test
    began: the submission's and the decision's outbox messages have run and their e-mails are
    cleared, so a test sees only what routing does."""
    values = {
        "consent_scopes": ALL_SHARING if consent_scopes is None else consent_scopes,
        "county_of_residence": County.objects.get(name=county),
        "immigration_status": ImmigrationStatus.US_CITIZEN,
        "safe_to_call": True,
        "safe_to_text": False,
        "services_needed": ["case_management", "shelter"],
    }
    if referrer is not None:
        values["referrer"] = referrer
    referral = ReferralFactory(confirmed=True, routed=False, **{**values, **fields})
    drain()
    mail.outbox.clear()
    return referral


def reviewer():
    agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    return UserFactory(role=Role.STATE_REVIEWER, organization=agency)


def district(name="Albany County") -> District:
    return District.objects.select_related("organization").get(name=name)


def provider(region="Capital Region (demo)") -> RhtpProvider:
    return RhtpProvider.objects.select_related("organization").get(region__name=region)


def receiving_user(organization, **fields):
    return UserFactory(role=Role.RECEIVING_AGENCY, organization=organization, **fields)

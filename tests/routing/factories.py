"""Confirmed referrals and the people around a routing, built with Faker."""

from datetime import timedelta

from django.utils import timezone
from faker import Faker

from accounts.models import Organization
from referral_portal.models import County
from referral_portal.roles import Role
from referrals.models import ConsentScope, Referral, Status
from routing.models import District, RhtpProvider
from tests.factories import OrganizationFactory, UserFactory

fake = Faker()
ALL_SHARING = [
    ConsentScope.CONFIRMATION,
    ConsentScope.SHARE_WITH_LDSS,
    ConsentScope.SHARE_WITH_RHTP,
    ConsentScope.SHARE_WITH_CHILD_WELFARE,
]


def confirmed_referral(*, county="Albany", consent_scopes=None, **fields) -> Referral:
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

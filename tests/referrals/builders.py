"""Referrals for tests: drafts filled through the model, submitted through the service."""

import datetime

from django.utils import timezone
from faker import Faker

from accounts.models import Organization
from referral_portal.models import County
from referrals import services
from referrals.models import ConsentGivenBy, ConsentScope, ImmigrationStatus, Industry, Referral
from tests.factories import OrganizationFactory, UserFactory

fake = Faker("en_US")


def police_organization(**kwargs):
    values = {"kind": Organization.Kind.LAW_ENFORCEMENT, "designating_agency": ""}
    return OrganizationFactory(**{**values, "designation_date": None, **kwargs})


def complete_fields(organization) -> dict:
    """Values that satisfy every submission rule, for an adult labor-trafficking referral."""
    today = timezone.localdate()
    fields = {
        "first_encounter_date": today - datetime.timedelta(days=10),
        "legal_name": fake.name(),
        "other_names": fake.first_name(),
        "date_of_birth": fake.date_of_birth(minimum_age=25, maximum_age=60),
        "gender": "female",
        "country_of_birth": "Guatemala",
        "preferred_language": "es",
        "interpreter_needed": True,
        "immigration_status": ImmigrationStatus.UNDOCUMENTED,
        "county_of_residence": County.objects.get(name="Albany"),
        "address": fake.address(),
        "phone": fake.numerify("518-555-0###"),
        "email": fake.email(),
        "safe_contact_notes": "Only through the case manager.",
        "safe_to_call": True,
        "labor_trafficking": True,
        "places": fake.city(),
        "trafficking_began": today - datetime.timedelta(days=400),
        "trafficking_ended": today - datetime.timedelta(days=30),
        "industry": Industry.AGRICULTURE,
        "indicators": ["coercion_debt", "coercion_documents"],
        "narrative": fake.paragraph(nb_sentences=5),
        "willing_to_assist": "unknown",
        "arrested": "no",
        "services_needed": ["case_management", "legal_services"],
    }
    if organization.kind in Organization.PROVIDER_KINDS:
        fields.update(
            consent_given_by=ConsentGivenBy.PERSON,
            consent_date=today - datetime.timedelta(days=9),
            consent_scopes=[ConsentScope.CONFIRMATION, ConsentScope.SHARE_WITH_LDSS],
        )
    else:
        fields.update(
            law_enforcement_agency=organization.name,
            agency_case_number=fake.bothify("24-######"),
        )
    return fields


def draft(user=None, **overrides) -> Referral:
    user = user or UserFactory()
    referral = services.start_draft(user=user)
    values = {**complete_fields(user.organization), **overrides}
    albany = [County.objects.get(name="Albany")]
    counties = values.pop("trafficking_counties", albany)
    for name, value in values.items():
        setattr(referral, name, value)
    services.refresh_blind_indexes(referral)
    referral.save()
    referral.trafficking_counties.set(counties)
    return referral


def submitted(user=None, **overrides) -> Referral:
    referral = draft(user, **overrides)
    return services.submit_referral(referral=referral, user=referral.created_by)


# How to reach each state from a submitted referral, through the declared transitions only.
PATHS = {
    "submitted": [],
    "info_requested": ["request_information"],
    "info_provided": ["request_information", "provide_information"],
    "confirmed": ["confirm"],
    "declined": ["decline"],
    "appealed": ["decline", "appeal"],
    "withdrawn": ["withdraw"],
}


def in_state(status: str, user=None, **overrides) -> Referral:
    if status == "draft":
        return draft(user, **overrides)
    referral = submitted(user, **overrides)
    for step in PATHS[status]:
        getattr(referral, step)()
        referral.save()
    return referral

"""Fake demo referrals for `manage.py seed_demo` (never in production).

A few referrals from the demo provider (demo-referrer) and the demo police department
(demo-police) in the states a referrer meets: a draft, submitted ones, one where the reviewer
asked for information, one withdrawn. Decisions (confirmed, declined) belong to the review
app's demo. Faker is seeded and a second run changes nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.models import User
from referral_portal.models import County

from . import services
from .models import (
    ConsentGivenBy,
    ConsentScope,
    EventKind,
    ImmigrationStatus,
    Industry,
    InformationRequest,
    Reason,
    Referral,
    YesNoUnknown,
)

Status_, Venue = ImmigrationStatus, Industry
PEOPLE = [
    # (account, age, immigration status, sex trafficking, labor trafficking, industry, end state)
    ("demo-referrer", 34, Status_.UNDOCUMENTED, False, True, Venue.AGRICULTURE, "submitted"),
    ("demo-referrer", 16, Status_.US_CITIZEN, True, False, Venue.COMMERCIAL_SEX, "submitted"),
    ("demo-referrer", 27, Status_.T_VISA, False, True, Venue.DOMESTIC_WORK, "info_requested"),
    ("demo-referrer", 41, Status_.LAWFUL_PERMANENT_RESIDENT, True, True, Venue.MASSAGE_SPA,
     "withdrawn"),
    ("demo-referrer", 22, Status_.UNKNOWN, True, False, Venue.BAR_CLUB, "draft"),
    ("demo-police", 19, Status_.UNDOCUMENTED, True, False, Venue.COMMERCIAL_SEX, "submitted"),
]  # fmt: skip
COUNTIES = ["Albany", "Schenectady", "Rensselaer", "Saratoga", "Kings", "Queens"]


def _fill(referral: Referral, fake: Faker, spec) -> None:
    _, age, status, sex, labor, industry, _ = spec
    today = timezone.localdate()
    organization = referral.organization
    referral.first_encounter_date = today - datetime.timedelta(days=fake.random_int(3, 40))
    if organization.is_provider:
        referral.consent_given_by = ConsentGivenBy.PERSON
        referral.consent_date = referral.first_encounter_date + datetime.timedelta(days=1)
        referral.consent_scopes = [
            ConsentScope.CONFIRMATION,
            ConsentScope.SHARE_WITH_LDSS,
            ConsentScope.SHARE_WITH_RHTP,
        ]
    else:
        referral.law_enforcement_agency = organization.name
        referral.agency_case_number = fake.bothify("26-######")
    referral.legal_name = fake.name()
    referral.date_of_birth = fake.date_of_birth(minimum_age=age, maximum_age=age)
    referral.gender = fake.random_element(["female", "male", "nonbinary"])
    referral.country_of_birth = "United States" if status == "us_citizen" else fake.country()
    referral.preferred_language = fake.random_element(["en", "es", "zh-hans"])
    referral.interpreter_needed = referral.preferred_language != "en"
    referral.immigration_status = status
    referral.county_of_residence = County.objects.get(name=fake.random_element(COUNTIES))
    referral.address = fake.address()
    referral.phone = fake.numerify("518-555-0###")
    referral.safe_to_text = True
    referral.safe_contact_notes = "Text first; do not leave voicemail."
    referral.sex_trafficking, referral.labor_trafficking = sex, labor
    referral.trafficking_began = today - datetime.timedelta(days=fake.random_int(200, 900))
    referral.trafficking_ended = today - datetime.timedelta(days=fake.random_int(5, 150))
    referral.industry = industry
    referral.indicators = [] if age < 18 and sex else ["coercion_debt", "fraud_pay"]
    referral.narrative = fake.paragraph(nb_sentences=6)
    referral.willing_to_assist = YesNoUnknown.UNKNOWN
    referral.arrested = YesNoUnknown.NO
    referral.services_needed = ["case_management", "shelter", "legal_services"]
    services.refresh_blind_indexes(referral)
    referral.save()
    referral.trafficking_counties.set([referral.county_of_residence])


@transaction.atomic
def seed() -> None:
    users = {
        user.username: user
        for user in User.objects.filter(username__in={"demo-referrer", "demo-police"})
    }
    reviewer = User.objects.filter(username="demo-reviewer").first()
    if len(users) < 2 or Referral.objects.filter(created_by__in=users.values()).exists():
        return  # accounts not seeded, or referrals already there
    fake = Faker("en_US")
    fake.seed_instance(4004)
    for spec in PEOPLE:
        user, end_state = users[spec[0]], spec[-1]
        referral = services.start_draft(user=user)
        _fill(referral, fake, spec)
        if end_state == "draft":
            continue
        referral = services.submit_referral(referral=referral, user=user)
        if end_state == "withdrawn":
            services.withdraw_referral(
                referral=referral, user=user, reason="The person moved out of state."
            )
        elif end_state == "info_requested" and reviewer is not None:
            InformationRequest.objects.create(
                referral=referral,
                requested_by=reviewer,
                reasons=[Reason.ATTACHMENT_PROBLEM],
                message="Please attach the signed consent form.",
            )
            referral.request_information()
            referral.save()
            services.record_event(referral=referral, actor=reviewer, kind=EventKind.INFO_REQUESTED)

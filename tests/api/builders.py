"""Request bodies that satisfy every rule of the wizard, made with Faker."""

from datetime import timedelta

from django.utils import timezone
from faker import Faker

fake = Faker("en_US")


def steps(*, police=False) -> dict[str, dict]:
    today = timezone.localdate()
    referrer = {"first_encounter_date": str(today - timedelta(days=10))}
    if not police:
        referrer.update(
            consent_given_by="person",
            consent_date=str(today - timedelta(days=9)),
            consent_scopes=["confirmation", "share_with_ldss"],
        )
    trafficking = {
        "trafficking_types": ["labor"],
        "trafficking_counties": ["Albany"],
        "trafficking_began": str(today - timedelta(days=400)),
        "trafficking_ended": str(today - timedelta(days=30)),
        "industry": "agriculture",
        "indicators_coercion": ["coercion_debt"],
        "narrative": fake.paragraph(nb_sentences=4),
        "willing_to_assist": "unknown",
        "arrested": "no",
    }
    if police:
        trafficking.update(law_enforcement_agency=fake.company(), agency_case_number="24-001234")
    return {
        "referrer": referrer,
        "person": {
            "legal_name": fake.name(),
            "date_of_birth": str(fake.date_of_birth(minimum_age=25, maximum_age=60)),
            "immigration_status": "undocumented",
            "county_of_residence": "Albany",
            "phone": fake.numerify("518-555-0###"),
            "preferred_language": "es",
            "interpreter_needed": True,
            "safe_to_call": True,
        },
        "trafficking": trafficking,
        "needs": {"services_needed": ["case_management", "legal_services"]},
    }

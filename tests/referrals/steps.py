"""What a referrer types into each step of the wizard (POST data), from Faker."""

import datetime

from django.utils import timezone
from faker import Faker

from referral_portal.models import County

fake = Faker("en_US")


def step_data(*, police: bool = False) -> dict[str, dict]:
    today = timezone.localdate()
    albany = County.objects.get(name="Albany").pk
    referrer = {"first_encounter_date": (today - datetime.timedelta(days=5)).isoformat()}
    if not police:
        referrer.update(
            consent_given_by="person",
            consent_date=(today - datetime.timedelta(days=4)).strftime("%m/%d/%Y"),
            consent_scopes=["confirmation", "share_with_ldss"],
        )
    trafficking = {
        "trafficking_types": ["labor"],
        "trafficking_counties": [albany],
        "trafficking_began": "2024-01-15",
        "industry": "restaurant",
        "indicators_fraud": ["fraud_pay"],
        "indicators_coercion": ["coercion_debt"],
        "narrative": fake.paragraph(nb_sentences=4),
        "willing_to_assist": "yes",
        "arrested": "no",
    }
    if police:
        trafficking.update(law_enforcement_agency="Albany PD", agency_case_number="24-001234")
    return {
        "referrer": referrer,
        "person": {
            "legal_name": fake.name(),
            "date_of_birth": fake.date_of_birth(minimum_age=20, maximum_age=50).isoformat(),
            "gender": "male",
            "country_of_birth": "Honduras",
            "preferred_language": "es",
            "interpreter_needed": "on",
            "immigration_status": "undocumented",
            "county_of_residence": albany,
            "phone": fake.numerify("518-555-0###"),
            "safe_to_text": "on",
        },
        "trafficking": trafficking,
        "needs": {"services_needed": ["case_management", "other"], "services_other": "Phone"},
    }

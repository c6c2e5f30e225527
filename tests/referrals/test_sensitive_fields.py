"""The facts that endanger a referred person (gender, country of birth, immigration status, the
signs of force, fraud or coercion, cooperation with the police, arrest, the law-enforcement
agency and its case number) are encrypted at rest and kept out of the change history; the
history's copies of the plain personal fields go when the author discards the draft. Checked
by searching every table of the database, raw, for the values typed into the wizard."""

import pytest
from django.db import connection
from django.urls import reverse
from faker import Faker

from referral_portal.roles import Role
from referrals.models import PERSONAL_FIELDS, Referral, ReferralHistory, Status
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.referrals.steps import step_data

pytestmark = pytest.mark.django_db
fake = Faker("en_US")

# What the referrer types: distinctive, so that a raw search cannot match anything else.
TYPED = {
    "agency_case_number": "CASE-ZX-93817",
    "law_enforcement_agency": "Zyxwv Police Department",
    "country_of_birth": "Tuvalu",
}
# Coded answers, searched for by their stored values.
CODED = {
    "gender": "nonbinary",
    "immigration_status": "continued_presence",
    "arrested": "yes",
    "willing_to_assist": "no",
}
INDICATORS = {
    "indicators_fraud": ["fraud_relationship"],
    "indicators_coercion": ["coercion_substances"],
}
SEARCHED = [*TYPED.values(), "continued_presence", "fraud_relationship", "coercion_substances"]
# What the pages show once decrypted.
SHOWN = [
    *TYPED.values(),
    "Nonbinary",
    "Continued Presence",
    "False romantic relationship",
    "Drugs or alcohol used to control",
]
# A plain personal field that the history does copy (the wizard saves it at every step).
LANGUAGE = "Zyxwvian dialect"


def tables_containing(text: str) -> dict[str, int]:
    """Every table, every column (each row as JSON text), case-insensitive: rows per table."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)  # a name from the catalog, not input
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE row_to_json(t)::text ILIKE %s",  # noqa: S608
                [pattern],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def step_url(referral, slug):
    return f"/referrals/{referral.public_id}/edit/{slug}/"


def fill_in_wizard(client, user, *, language=LANGUAGE) -> tuple[Referral, dict]:
    """Start a draft and save every step through HTTP with the distinctive values."""
    client.force_login(user)
    assert client.post("/referrals/new/").status_code == 302
    referral = Referral.objects.get(created_by=user, status=Status.DRAFT)
    data = step_data()
    data["person"].update(
        {
            "gender": CODED["gender"],
            "immigration_status": CODED["immigration_status"],
            "country_of_birth": TYPED["country_of_birth"],
            "preferred_language": "other",
            "preferred_language_other": language,
        }
    )
    data["trafficking"].update(
        {
            "arrested": CODED["arrested"],
            "willing_to_assist": CODED["willing_to_assist"],
            "law_enforcement_agency": TYPED["law_enforcement_agency"],
            "agency_case_number": TYPED["agency_case_number"],
            **INDICATORS,
        }
    )
    for slug in ("referrer", "person", "trafficking", "needs"):
        response = client.post(step_url(referral, slug), {**data[slug], "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]
    return referral, data


def test_a_wizard_save_leaves_no_sensitive_value_in_clear_in_any_table(client, referrer):
    referral, data = fill_in_wizard(client, referrer)

    for value in [*SEARCHED, data["person"]["legal_name"]]:
        assert tables_containing(value) == {}, value
    # The columns hold ciphertext, and the history has no column for them at all.
    columns = ", ".join(list(TYPED) + list(CODED) + ["indicators"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM referrals_referral WHERE id = %s", [referral.pk])  # noqa: S608
        assert all(value.startswith("v2:") for value in cursor.fetchone())
    history_columns = {f.column for f in ReferralHistory._meta.concrete_fields}
    assert history_columns & set(PERSONAL_FIELDS) == set()
    # The model reads them back as typed.
    referral.refresh_from_db()
    assert (referral.gender, referral.immigration_status, referral.arrested) == (
        "nonbinary",
        "continued_presence",
        "yes",
    )
    assert referral.indicators == ["fraud_relationship", "coercion_substances"]
    assert referral.country_of_birth == "Tuvalu" and referral.is_foreign_national


def test_the_referrer_and_the_reviewer_see_the_values_decrypted(client, referrer):
    referral, _ = fill_in_wizard(client, referrer)
    review = client.get(f"/referrals/{referral.public_id}/review/").content.decode()
    for value in SHOWN:
        assert value in review, value
    referral.refresh_from_db()
    response = client.post(
        f"/referrals/{referral.public_id}/review/", {"version": referral.version}
    )
    assert response.status_code == 302
    detail = client.get(f"/referrals/{referral.public_id}/").content.decode()

    client.force_login(helpers.reviewer())
    case = client.get(reverse("confirmations:case", args=[referral.public_id])).content.decode()

    for value in SHOWN:
        assert value in detail, value
        assert value in case, value
    for value in SEARCHED:
        assert tables_containing(value) == {}, value


def test_discarding_a_draft_leaves_nothing_of_it_in_the_history(client, referrer):
    # Another author's draft (saved first): its history must be left as it is.
    other, _ = fill_in_wizard(client, UserFactory(role=Role.REFERRER), language="Qwfpgj")
    referral, data = fill_in_wizard(client, referrer)
    pk = referral.pk
    # The search can see the history: the plain copies are there until the draft goes.
    assert tables_containing(LANGUAGE).keys() == {"referrals_referral", "referrals_referralhistory"}

    response = client.post(f"/referrals/{referral.public_id}/discard/")

    assert response.status_code == 302 and not Referral.objects.filter(pk=pk).exists()
    for value in [LANGUAGE, *SEARCHED, data["person"]["legal_name"]]:
        assert tables_containing(value) == {}, value
    # Who started the draft and when stays; what it said about the person does not.
    left = ReferralHistory.objects.filter(pgh_obj_id=pk)
    assert left.exists()
    assert set(left.values_list("preferred_language_other", flat=True)) == {""}
    kept = ReferralHistory.objects.filter(pgh_obj_id=other.pk)
    # (Empty in the row of the draft's creation, before the person step was saved.)
    assert set(kept.values_list("preferred_language_other", flat=True)) == {"", "Qwfpgj"}


def test_an_indicator_outside_the_choices_is_refused_by_the_model():
    from django.core.exceptions import ValidationError

    referral = Referral(indicators=["fraud_pay", "made_up"])
    field = Referral._meta.get_field("indicators")
    with pytest.raises(ValidationError) as raised:
        field.clean(referral.indicators, referral)
    assert raised.value.messages == ["Value 'made_up' is not a valid choice."]
    assert field.clean(["fraud_pay"], referral) == ["fraud_pay"]

"""Every submission rule, checked on the stored referral (what submit re-validates) and, for
the format rules, on a step form posted as a draft."""

import datetime

import pytest

from referral_portal.business_days import NEW_YORK
from referral_portal.models import County
from referrals import services
from referrals.forms import PersonStep, ReferrerStep, TraffickingStep, submission_problems
from referrals.models import Status
from tests.factories import UserFactory
from tests.referrals.builders import draft

pytestmark = pytest.mark.django_db

# Every test here runs at this New York moment (the clock is pinned below), so the dates in the
# parameters, computed when the module is imported, stay right whatever the hour of the run.
NOW = datetime.datetime(2026, 3, 10, 14, 0, tzinfo=NEW_YORK)
TODAY = NOW.date()
TOMORROW = TODAY + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _new_york_afternoon(time_machine):
    time_machine.move_to(NOW, tick=False)


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


def test_a_complete_referral_breaks_no_rule():
    assert submission_problems(draft()) == {}


def test_a_complete_police_referral_breaks_no_rule(police_referrer):
    assert submission_problems(draft(police_referrer)) == {}


@pytest.mark.parametrize(
    ("overrides", "step", "field"),
    [
        ({"consent_given_by": ""}, "referrer", "consent_given_by"),
        ({"consent_date": None}, "referrer", "consent_date"),
        ({"consent_scopes": ["share_with_ldss"]}, "referrer", "consent_scopes"),
        ({"consent_scopes": []}, "referrer", "consent_scopes"),
        ({"first_encounter_date": None}, "referrer", "first_encounter_date"),
        ({"first_encounter_date": TOMORROW}, "referrer", "first_encounter_date"),
        ({"consent_date": TOMORROW}, "referrer", "consent_date"),
        ({"legal_name": ""}, "person", "legal_name"),
        ({"legal_name": "   "}, "person", "legal_name"),
        ({"date_of_birth": None, "estimated_age": None}, "person", "date_of_birth"),
        ({"date_of_birth": TOMORROW}, "person", "date_of_birth"),
        ({"date_of_birth": years_ago(121)}, "person", "date_of_birth"),
        ({"immigration_status": ""}, "person", "immigration_status"),
        ({"county_of_residence": None}, "person", "county_of_residence"),
        ({"phone": "call me maybe"}, "person", "phone"),
        ({"email": "not-an-address"}, "person", "email"),
        (
            {"labor_trafficking": False, "sex_trafficking": False},
            "trafficking",
            "trafficking_types",
        ),
        ({"trafficking_counties": [], "places": ""}, "trafficking", "trafficking_counties"),
        ({"industry": ""}, "trafficking", "industry"),
        ({"industry": "other", "industry_other": ""}, "trafficking", "industry_other"),
        ({"indicators": []}, "trafficking", "indicators_force"),
        ({"narrative": ""}, "trafficking", "narrative"),
        ({"willing_to_assist": ""}, "trafficking", "willing_to_assist"),
        ({"arrested": ""}, "trafficking", "arrested"),
        (
            {"trafficking_began": TOMORROW, "trafficking_ended": None},
            "trafficking",
            "trafficking_began",
        ),
        ({"trafficking_ended": TOMORROW}, "trafficking", "trafficking_ended"),
        ({"services_needed": []}, "needs", "services_needed"),
        ({"services_needed": ["other"], "services_other": ""}, "needs", "services_other"),
    ],
)
def test_each_rule_names_the_step_and_field_it_concerns(overrides, step, field):
    problems = submission_problems(draft(**overrides))
    assert field in problems.get(step, {}), problems


def test_the_end_date_cannot_come_before_the_start(db):
    referral = draft()
    form = TraffickingStep(
        {"trafficking_began": "2024-05-01", "trafficking_ended": "2024-04-01"}, referral=referral
    )
    assert not form.is_valid()
    assert "on or after the start date" in form.errors["trafficking_ended"][0]


def test_an_estimated_age_is_enough_without_a_date_of_birth():
    assert "person" not in submission_problems(draft(date_of_birth=None, estimated_age=30))


def test_places_outside_new_york_are_enough_without_a_county():
    assert "trafficking" not in submission_problems(
        draft(trafficking_counties=[], places="Newark, New Jersey")
    )


# --- consent: providers only ------------------------------------------------------------------
def test_law_enforcement_may_refer_without_consent(police_referrer):
    referral = draft(police_referrer, consent_given_by="", consent_date=None, consent_scopes=[])
    assert "referrer" not in submission_problems(referral)


def test_a_provider_cannot_submit_without_consent_through_the_service():
    referral = draft(consent_given_by="", consent_date=None, consent_scopes=[])
    with pytest.raises(services.SubmissionIncomplete) as raised:
        services.submit_referral(referral=referral, user=referral.created_by)
    assert set(raised.value.problems["referrer"]) == {
        "consent_given_by",
        "consent_date",
        "consent_scopes",
    }
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT and referral.reference is None


# --- case number: law enforcement and district attorneys only ---------------------------------
def test_law_enforcement_must_give_the_case_number(police_referrer):
    problems = submission_problems(draft(police_referrer, agency_case_number=""))
    assert "agency_case_number" in problems["trafficking"]


def test_a_district_attorney_must_give_the_case_number():
    from tests.referrals.builders import police_organization

    user = UserFactory(organization=police_organization(kind="district_attorney"))
    problems = submission_problems(draft(user, agency_case_number=" "))
    assert "agency_case_number" in problems["trafficking"]


def test_a_provider_need_not_give_a_case_number():
    assert "trafficking" not in submission_problems(draft(agency_case_number=""))


# --- minors -----------------------------------------------------------------------------------
def test_force_fraud_or_coercion_is_optional_for_a_minor_referred_for_sex_trafficking():
    referral = draft(
        date_of_birth=years_ago(16), sex_trafficking=True, labor_trafficking=False, indicators=[]
    )
    assert referral.is_minor
    assert "trafficking" not in submission_problems(referral)


def test_the_day_before_the_18th_birthday_is_still_a_minor():
    referral = draft(date_of_birth=years_ago(18) + datetime.timedelta(days=1))
    assert referral.is_minor
    assert not draft(date_of_birth=years_ago(18)).is_minor


def test_an_estimated_age_under_18_makes_a_minor():
    referral = draft(date_of_birth=None, estimated_age=15, sex_trafficking=True, indicators=[])
    assert "trafficking" not in submission_problems(referral)


def test_indicators_are_required_for_a_minor_referred_only_for_labor_trafficking():
    referral = draft(date_of_birth=years_ago(16), labor_trafficking=True, indicators=[])
    assert "indicators_force" in submission_problems(referral)["trafficking"]


def test_indicators_are_required_for_an_adult_referred_for_sex_trafficking():
    referral = draft(
        date_of_birth=years_ago(30), sex_trafficking=True, labor_trafficking=False, indicators=[]
    )
    assert "indicators_force" in submission_problems(referral)["trafficking"]


def test_the_form_says_why_indicators_are_optional_for_minors(client):
    referral = draft()
    client.force_login(referral.created_by)
    page = client.get(f"/referrals/{referral.public_id}/edit/trafficking/").content.decode()
    note = page.split('id="indicators-note"', 1)[1].split("</p>", 1)[0]
    assert "under 18" in note and "230.34-a" in note


# --- drafts keep incomplete work; format rules apply at once -------------------------------------
def test_an_empty_step_saves_as_a_draft():
    referral = draft()
    assert PersonStep({}, referral=referral).is_valid()
    assert ReferrerStep({}, referral=referral).is_valid()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date_of_birth": "2025-02-29"}, "date_of_birth"),  # not a leap year
        ({"date_of_birth": "2024-04-31"}, "date_of_birth"),
        ({"date_of_birth": "12/31/99"}, "date_of_birth"),  # two-digit years are ambiguous
        ({"date_of_birth": TOMORROW.isoformat()}, "date_of_birth"),
        ({"estimated_age": "121"}, "estimated_age"),
        ({"estimated_age": "-1"}, "estimated_age"),
        ({"estimated_age": "1e309"}, "estimated_age"),
        ({"estimated_age": "NaN"}, "estimated_age"),
        ({"immigration_status": "martian"}, "immigration_status"),
        ({"county_of_residence": "999999"}, "county_of_residence"),
        ({"legal_name": "x" * 201}, "legal_name"),
        ({"legal_name": "Ana\x00Lopez"}, "legal_name"),
    ],
)
def test_badly_formed_input_is_refused_even_in_a_draft(data, field):
    form = PersonStep(data, referral=draft())
    assert not form.is_valid()
    assert field in form.errors


def test_the_date_of_birth_accepts_us_style_dates():
    form = PersonStep({"date_of_birth": "03/31/2001"}, referral=draft())
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == datetime.date(2001, 3, 31)


@pytest.mark.parametrize(
    "name",
    [
        "O'Brien",
        "Anne-Marie Smith-Jones",
        "Madonna",
        "Nguyễn Thị Minh Khai",
        "محمد",
        "李小龍",
        "x" * 200,
    ],
)
def test_names_are_accepted_as_written(name):
    referral = draft()
    form = PersonStep({"legal_name": name}, referral=referral)
    assert form.is_valid(), form.errors
    services.save_draft_step(referral=referral, user=referral.created_by, form=form)
    referral.refresh_from_db()
    assert referral.legal_name == name


def test_a_county_chosen_in_the_trafficking_step_is_saved():
    referral = draft()
    albany, kings = County.objects.get(name="Albany"), County.objects.get(name="Kings")
    form = TraffickingStep(
        {"trafficking_types": ["sex"], "trafficking_counties": [albany.pk, kings.pk]},
        referral=referral,
    )
    assert form.is_valid(), form.errors
    services.save_draft_step(referral=referral, user=referral.created_by, form=form)
    assert set(referral.trafficking_counties.all()) == {albany, kings}
    referral.refresh_from_db()
    assert referral.sex_trafficking and not referral.labor_trafficking


@pytest.mark.parametrize(
    ("moment", "last_allowed"),
    [
        # Just before midnight in New York it is already the next day in UTC.
        (datetime.datetime(2026, 3, 10, 23, 59, tzinfo=NEW_YORK), datetime.date(2026, 3, 10)),
        (datetime.datetime(2026, 3, 11, 0, 1, tzinfo=NEW_YORK), datetime.date(2026, 3, 11)),
    ],
)
def test_dates_in_the_future_are_judged_by_the_new_york_calendar(
    time_machine, moment, last_allowed
):
    time_machine.move_to(moment, tick=False)
    day_after = last_allowed + datetime.timedelta(days=1)

    allowed = submission_problems(draft(first_encounter_date=last_allowed))
    refused = submission_problems(draft(first_encounter_date=day_after))

    assert "first_encounter_date" not in allowed.get("referrer", {})
    assert "first_encounter_date" in refused["referrer"]

"""A referrer makes a whole referral with the keyboard alone (issue 17): from the home page to
"Referral submitted", every field of every step typed or chosen with Tab, Shift+Tab, Space,
Enter, the arrow keys and typing; no mouse and no page.fill. At every stop the focused control
must show a focus indicator, axe runs on every page, and what was typed is what is stored.

The only field left empty is "Estimated age in years": it is asked only when the date of birth is
not known, and the date of birth is typed."""

import datetime

import pytest
from django.utils import timezone

from referrals.models import Attachment, Referral, Status
from tests.e2e.axe import assert_accessible
from tests.e2e.keyboard import focused, follow, tab_to
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.referrals import files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOST_ARROW_PRESSES = 80


def _typed_date(day: datetime.date) -> str:
    """What a person types into Chromium's date field in American English: month, day, year."""
    return f"{day:%m%d%Y}"


class Step:
    """What to do at each stop of one step's form, by field name:
    ("type", text) types it; ("date", day) types the date; ("choose", value or words) presses
    the arrow keys in a list until that option is chosen; ("radio", value) presses Space or the
    arrow keys until that choice is checked; ("check", [values]) presses Space on each of those
    boxes and passes the others."""

    def __init__(self, page, plan):
        self.page = page
        self.plan = plan
        self.done = set()

    def __call__(self, stop):
        name = stop["name"]
        if name not in self.plan:
            return
        action, wanted = self.plan[name]
        keyboard = self.page.keyboard
        if action == "check":
            if stop["value"] in wanted and (name, stop["value"]) not in self.done:
                keyboard.press("Space")
                self.done.add((name, stop["value"]))
            return
        if name in self.done:  # a date field's parts, or a radio group's other choices
            return
        self.done.add(name)
        if action == "type":
            keyboard.type(wanted)
        elif action == "date":
            keyboard.type(_typed_date(wanted))
        elif action == "choose":
            self._arrow_until("ArrowDown", lambda: wanted in self._chosen(), name)
        elif action == "radio":
            if stop["value"] == wanted:
                keyboard.press("Space")
            else:
                self._arrow_until("ArrowDown", lambda: focused(self.page)["value"] == wanted, name)
            assert self.page.evaluate("() => document.activeElement.checked"), name

    def _chosen(self):
        # The chosen option's value or its words (a county is chosen by its name).
        return self.page.evaluate(
            """() => { const e = document.activeElement;
                       const option = e.options[e.selectedIndex];
                       return option ? [option.value, option.text.trim()] : []; }"""
        )

    def _arrow_until(self, key, reached, name):
        for _ in range(MOST_ARROW_PRESSES):
            self.page.keyboard.press(key)
            if reached():
                return
        raise AssertionError(f"the arrow keys never reached the choice for {name}")

    def finish(self):
        """Every planned field was reached on the way to the step's button."""
        expected = {
            (name, value) if action == "check" else name
            for name, (action, wanted) in self.plan.items()
            for value in (wanted if action == "check" else [None])
        }
        assert self.done == expected, expected - self.done


def fill_step(page, title, plan):
    """Tab from the top of the step to "Save and continue", doing what the plan says at each
    stop, then press Enter on the button."""
    page.locator("h1", has_text=title).wait_for()
    assert_accessible(page, title)
    step = Step(page, plan)
    tab_to(page, page.get_by_role("button", name="Save and continue"), at_each_stop=step)
    step.finish()
    follow(page)


def test_a_referrer_types_a_whole_referral_with_the_keyboard_alone(live_server, page, tmp_path):
    today = timezone.localdate()
    met, consented = today - datetime.timedelta(days=6), today - datetime.timedelta(days=5)
    born = datetime.date(1990, 7, 14)
    began, ended = datetime.date(2025, 3, 1), datetime.date(2025, 12, 1)
    user = UserFactory()
    sign_in(page, live_server, user)

    tab_to(page, page.locator("nav.portal-nav a[href='/referrals/']"))
    follow(page)
    tab_to(page, page.get_by_role("link", name="Start a new referral"))
    follow(page)
    assert_accessible(page, "start page")
    tab_to(page, page.get_by_role("button", name="Start the referral"))
    follow(page)

    fill_step(
        page,
        "You and consent",
        {
            "nickname": ("type", "client from Tuesday intake"),
            "first_encounter_date": ("date", met),
            "consent_given_by": ("radio", "parent_or_guardian"),
            "consent_date": ("date", consented),
            "consent_scopes": ("check", ["confirmation", "share_with_rhtp"]),
        },
    )
    fill_step(
        page,
        "The person",
        {
            "legal_name": ("type", "Marisol Quintanilla Reyes"),
            "other_names": ("type", "Mari"),
            "date_of_birth": ("date", born),
            "gender": ("choose", "female"),
            "country_of_birth": ("type", "El Salvador"),
            "preferred_language": ("choose", "other"),
            "preferred_language_other": ("type", "Nahuatl"),
            "interpreter_needed": ("check", ["on"]),
            "immigration_status": ("choose", "undocumented"),
            "county_of_residence": ("choose", "Albany"),
            "address": ("type", "Staying with a cousin in Albany"),
            "phone": ("type", "518-555-0147"),
            "email": ("type", "marisol@example.org"),
            "safe_contact_notes": ("type", "Only through our office"),
            "safe_to_call": ("check", ["on"]),
            "safe_to_text": ("check", ["on"]),
        },
    )
    fill_step(
        page,
        "What happened",
        {
            "trafficking_types": ("check", ["labor"]),
            "trafficking_counties": ("choose", "Albany"),
            "places": ("type", "A restaurant kitchen near the river"),
            "trafficking_began": ("date", began),
            "trafficking_ended": ("date", ended),
            "industry": ("choose", "other"),
            "industry_other": ("type", "Food truck"),
            "indicators_force": ("check", ["force_confinement"]),
            "indicators_fraud": ("check", ["fraud_pay"]),
            "indicators_coercion": ("check", ["coercion_documents", "coercion_debt"]),
            "narrative": ("type", "Worked for a year without pay; passport was taken."),
            "willing_to_assist": ("radio", "unknown"),
            "arrested": ("radio", "no"),
            "law_enforcement_agency": ("type", "Albany Police Department"),
            "agency_case_number": ("type", "APD-2025-0117"),
        },
    )
    fill_step(
        page,
        "Needs",
        {
            "services_needed": ("check", ["case_management", "other"]),
            "services_other": ("type", "A phone"),
        },
    )

    # Attachments: Space on the file field opens the chooser, as it would for a person.
    page.locator("h1", has_text="Attachments").wait_for()
    assert_accessible(page, "Attachments")
    consent = tmp_path / "signed consent.pdf"
    consent.write_bytes(files.pdf("Signed consent"))
    step = Step(page, {"kind": ("radio", "consent_form")})
    file_field = page.locator("input[name=file]")
    tab_to(page, file_field, at_each_stop=step)
    step.finish()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(consent))
    tab_to(page, page.get_by_role("button", name="Attach file"))
    follow(page)
    page.get_by_role("link", name="signed consent.pdf").wait_for()
    assert_accessible(page, "Attachments, one attached")
    tab_to(page, page.get_by_role("button", name="Save and continue"))
    follow(page)

    page.locator("h1", has_text="Review and submit").wait_for()
    assert "Before you can submit" not in page.content()
    assert_accessible(page, "Review and submit")
    tab_to(page, page.get_by_role("button", name="Submit referral"))
    follow(page)
    page.locator("h1", has_text="Referral submitted").wait_for()
    assert_accessible(page, "Referral submitted")

    referral = Referral.objects.get(created_by=user)
    assert referral.status == Status.SUBMITTED
    expected = {
        "nickname": "client from Tuesday intake",
        "first_encounter_date": met,
        "consent_given_by": "parent_or_guardian",
        "consent_date": consented,
        "consent_scopes": ["confirmation", "share_with_rhtp"],
        "legal_name": "Marisol Quintanilla Reyes",
        "other_names": "Mari",
        "date_of_birth": born,
        "estimated_age": None,
        "gender": "female",
        "country_of_birth": "El Salvador",
        "preferred_language": "other",
        "preferred_language_other": "Nahuatl",
        "interpreter_needed": True,
        "immigration_status": "undocumented",
        "address": "Staying with a cousin in Albany",
        "phone": "518-555-0147",
        "email": "marisol@example.org",
        "safe_contact_notes": "Only through our office",
        "safe_to_call": True,
        "safe_to_text": True,
        "labor_trafficking": True,
        "sex_trafficking": False,
        "places": "A restaurant kitchen near the river",
        "trafficking_began": began,
        "trafficking_ended": ended,
        "industry": "other",
        "industry_other": "Food truck",
        "indicators": ["force_confinement", "fraud_pay", "coercion_debt", "coercion_documents"],
        "narrative": "Worked for a year without pay; passport was taken.",
        "willing_to_assist": "unknown",
        "arrested": "no",
        "law_enforcement_agency": "Albany Police Department",
        "agency_case_number": "APD-2025-0117",
        "services_needed": ["case_management", "other"],
        "services_other": "A phone",
    }
    assert {name: getattr(referral, name) for name in expected} == expected
    assert referral.county_of_residence.name == "Albany"
    assert [county.name for county in referral.trafficking_counties.all()] == ["Albany"]
    assert Attachment.objects.get(referral=referral).kind == "consent_form"

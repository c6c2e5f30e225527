"""Each role's whole journey on a phone-sized screen, 390 px wide (issue 17): a referrer makes a
referral through every step of the wizard (each step also with its error showing), answers a
request and withdraws; a reviewer confirms from the queue; an agency worker acknowledges a case
and reports what happened. On every page: no sideways scrolling of the page (a wide table
scrolls within its own box) and axe (WCAG 2.2 AA) finds nothing."""

import datetime

import pytest
from django.utils import timezone

from confirmations import services as review
from referrals.models import InformationRequest, Referral, Status
from routing.models import RoutingDelivery
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.layout import PHONE, assert_no_sideways_scroll
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.referrals import files
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, receiving_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def fits(page, what):
    """The page does not scroll sideways at 390 px, and axe finds nothing."""
    page.locator("h1").first.wait_for()
    assert_no_sideways_scroll(page, what)
    assert_accessible(page, f"{what} at 390 px")


def heading(page, text):
    page.locator("h1", has_text=text).wait_for()


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def test_a_referrer_makes_answers_and_withdraws_a_referral_on_a_phone(live_server, phone, tmp_path):
    page = phone
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    user = UserFactory()
    sign_in(page, live_server, user)
    fits(page, "home")

    page.locator("nav.portal-nav a[href='/referrals/']").click()
    fits(page, "referral list, empty")
    page.get_by_role("link", name="Start a new referral").click()
    fits(page, "start page")
    page.get_by_role("button", name="Start the referral").click()

    heading(page, "You and consent")
    fits(page, "step 1")
    page.fill("input[name=first_encounter_date]", tomorrow)
    save_and_continue(page)
    page.locator(".referral-error-summary").wait_for()
    fits(page, "step 1 with an error")
    page.get_by_label("Your name for this referral (optional)").fill("client from intake")
    page.fill("input[name=first_encounter_date]", (today - datetime.timedelta(days=3)).isoformat())
    page.check("input[name=consent_given_by][value=person]")
    page.fill("input[name=consent_date]", (today - datetime.timedelta(days=2)).isoformat())
    page.check("input[name=consent_scopes][value=confirmation]")
    save_and_continue(page)

    heading(page, "The person")
    fits(page, "step 2")
    page.fill("input[name=legal_name]", "Marisol Quintanilla Reyes")
    page.fill("input[name=date_of_birth]", tomorrow)
    save_and_continue(page)
    page.locator(".referral-error-summary").wait_for()
    fits(page, "step 2 with an error")
    page.fill("input[name=date_of_birth]", "1991-07-14")
    page.select_option("select[name=immigration_status]", "unknown")
    page.select_option("select[name=county_of_residence]", label="Albany")
    save_and_continue(page)

    heading(page, "What happened")
    fits(page, "step 3")
    page.check("input[name=trafficking_types][value=labor]")
    page.select_option("select[name=trafficking_counties]", label="Albany")
    page.fill("input[name=trafficking_began]", "2025-03-01")
    page.fill("input[name=trafficking_ended]", "2025-01-01")
    page.select_option("select[name=industry]", "restaurant")
    page.check("input[name=indicators_fraud][value=fraud_pay]")
    page.fill("textarea[name=narrative]", "Worked in a kitchen for a year; passport was taken.")
    page.check("input[name=willing_to_assist][value=unknown]")
    page.check("input[name=arrested][value=no]")
    save_and_continue(page)
    page.locator(".referral-error-summary").wait_for()
    fits(page, "step 3 with an error")
    page.fill("input[name=trafficking_ended]", "2025-12-01")
    save_and_continue(page)

    heading(page, "Needs")
    fits(page, "step 4")
    page.check("input[name=services_needed][value=other]")
    save_and_continue(page)
    page.locator(".referral-error-summary").wait_for()
    fits(page, "step 4 with an error")
    page.fill("input[name=services_other]", "A phone")
    save_and_continue(page)

    heading(page, "Attachments")
    fits(page, "step 5")
    disguised = tmp_path / "report.pdf"
    disguised.write_bytes(files.HTML)
    page.check("input[name=kind][value=consent_form]")
    page.set_input_files("input[name=file]", str(disguised))
    page.get_by_role("button", name="Attach file").click()
    page.locator(".referral-error-summary").wait_for()
    fits(page, "step 5 with an error")
    # One long word: a name that does not wrap must not widen the page.
    consent = tmp_path / "signed-consent-form-scanned-at-the-tuesday-intake-meeting-2026.pdf"
    consent.write_bytes(files.pdf("Signed consent"))
    page.check("input[name=kind][value=consent_form]")
    page.set_input_files("input[name=file]", str(consent))
    page.get_by_role("button", name="Attach file").click()
    page.get_by_role("link", name=consent.name).wait_for()
    fits(page, "step 5 with a file attached")
    save_and_continue(page)

    heading(page, "Review and submit")
    assert "Before you can submit" not in page.content()
    fits(page, "step 6, review and submit")
    page.get_by_role("button", name="Submit referral").click()
    heading(page, "Referral submitted")
    fits(page, "referral submitted")
    referral = Referral.objects.get(created_by=user)
    assert referral.status == Status.SUBMITTED

    # The State asks for more; the referrer answers and later withdraws, still on the phone.
    reviewer = helpers.reviewer()
    referral = helpers.assigned(reviewer, referral)
    referral.refresh_from_db()
    review.request_information(
        referral=referral,
        reviewer=reviewer,
        reasons=["missing_consent"],
        message="Please say who signed the consent form.",
        expected_version=referral.version,
    )
    page.locator("nav.portal-nav a[href='/']").click()
    page.get_by_text("1 referral needs your answer").wait_for()
    fits(page, "home with a referral needing an answer")
    page.locator("nav.portal-nav a[href='/referrals/']").click()
    fits(page, "referral list with one needing an answer")
    page.get_by_role("link", name=referral.reference).first.click()
    fits(page, "referral with an open request")
    page.get_by_role("link", name="Answer the request").click()
    fits(page, "answer form")
    page.get_by_label("Your answer").fill("The signed consent form is attached.")
    page.get_by_role("button", name="Send the answer").click()
    page.get_by_text("Your answer is sent").wait_for()
    fits(page, "referral, answered")
    page.get_by_role("link", name="Withdraw this referral").click()
    fits(page, "withdraw form")
    page.fill("textarea[name=reason]", "The person asked us to stop.")
    page.get_by_role("button", name="Withdraw the referral").click()
    heading(page, f"Referral {referral.reference}")
    fits(page, "withdrawn referral")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert InformationRequest.objects.get(referral=referral).responded_at is not None


def test_a_reviewer_confirms_a_referral_on_a_phone(live_server, phone):
    page = phone
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)  # claimed and consulted
    sign_in(page, live_server, reviewer)
    fits(page, "reviewer's home")

    page.get_by_role("link", name="Review queue", exact=True).click()
    fits(page, "queue")
    page.get_by_role("link", name=referral.reference).click()
    fits(page, "case page")
    page.get_by_role("link", name="Confirm", exact=True).click()
    fits(page, "confirm form")
    page.get_by_role("button", name="Preview the decision and notices").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    fits(page, "confirm form with errors")
    page.get_by_label("Both: meets the federal criteria and is otherwise eligible").check()
    page.get_by_role("button", name="Preview the decision and notices").click()
    page.get_by_role("heading", name="Where the case will be sent").wait_for()
    fits(page, "confirmation preview")
    page.get_by_role("button", name="Confirm and issue the notices").click()
    page.get_by_text(f"Referral {referral.reference} is confirmed").wait_for()
    fits(page, "case page, confirmed")
    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED


def test_an_agency_worker_acknowledges_and_reports_on_a_phone(live_server, phone, drain_outbox):
    page = phone
    referral = confirmed_referral(services_needed=["shelter", "other"], services_other="A phone")
    route(referral)
    drain_outbox()
    sign_in(page, live_server, receiving_user(district().organization))
    fits(page, "agency worker's home")

    page.get_by_role("link", name="Cases sent to us").click()
    fits(page, "case list")
    page.get_by_role("link", name=referral.reference).click()
    fits(page, "case page")
    page.get_by_role("button", name="Acknowledge receipt").click()
    page.get_by_text(f"You acknowledged receipt of case {referral.reference}").wait_for()
    fits(page, "case page, acknowledged")

    page.get_by_role("link", name="Report what happened").click()
    fits(page, "outcome form")
    page.get_by_label("Could not reach the person").check()
    page.get_by_role("button", name="Save report").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    fits(page, "outcome form with errors")
    page.get_by_label("Contacted the person").check()
    attempt = page.get_by_role("group", name="Attempt 1")
    attempt.get_by_label("Date").fill(timezone.localdate().isoformat())
    attempt.get_by_label("How").select_option("phone")
    page.get_by_role("button", name="Save report").click()
    page.get_by_text("Your report was saved.").wait_for()
    fits(page, "case page with a report")
    delivery = RoutingDelivery.objects.get(referral=referral)
    assert delivery.acknowledged_at is not None
    assert delivery.outcome_reports.count() == 1

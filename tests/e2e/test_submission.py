"""A provider's referrer makes a referral in Chromium: every step, a break, a PDF, submit.
axe runs on every page, with the error messages showing and without."""

import datetime
import re

import pytest
from django.utils import timezone

from referrals.models import Referral, Status
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.referrals import files

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session", autouse=True)
def _reference_data(django_db_setup):
    """The migration-loaded rows (counties, role groups) as serialized at set-up, taken while
    this thread still has the connection object that holds them: session fixtures run before
    Playwright starts its event loop, after which Django may hand this thread a fresh
    connection object without the copy, so serialized rollback silently restores nothing."""
    from django.db import connection

    return getattr(connection, "_test_serialized_contents", None)


@pytest.fixture(autouse=True)
def _restore_reference_data(_django_db_helper, _reference_data):
    from django.db import connection

    from accounts.roles import sync_role_groups
    from referral_portal.counties import COUNTIES
    from referral_portal.models import County

    if County.objects.exists():
        return
    if _reference_data:
        connection.creation.deserialize_db_from_string(_reference_data)
        connection._test_serialized_contents = _reference_data
    else:
        # Playwright ran earlier in the session, so no copy could be taken: rebuild what these
        # tests need (the counties and the role groups).
        County.objects.bulk_create(County(fips=fips, name=name) for fips, name in COUNTIES)
        sync_role_groups()


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue").click()


def test_a_provider_referrer_makes_a_referral_from_start_to_finish(
    live_server, page, csp_violations, tmp_path, settings
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    today = timezone.localdate()
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    user = UserFactory()
    sign_in(page, live_server, user)

    page.goto(live_server.url + "/referrals/")
    assert_accessible(page, "referral list, empty")
    page.get_by_role("link", name="Start a new referral").click()
    assert_accessible(page, "start page")
    page.get_by_role("button", name="Start the referral").click()

    # Step 1: you and consent. A future date first, to see the error.
    expect_heading(page, "You and consent")
    assert "Step 1 of 6" in page.content()
    assert_accessible(page, "step 1")
    page.fill("input[name=first_encounter_date]", tomorrow)
    save_and_continue(page)
    assert page.locator(".referral-error-summary").is_visible()
    assert "cannot be in the future" in page.locator("#div_id_first_encounter_date").inner_text()
    assert_accessible(page, "step 1 with errors")
    page.fill("input[name=first_encounter_date]", (today - datetime.timedelta(days=3)).isoformat())
    page.check("input[name=consent_given_by][value=person]")
    page.fill("input[name=consent_date]", (today - datetime.timedelta(days=2)).isoformat())
    page.check("input[name=consent_scopes][value=confirmation]")
    page.check("input[name=consent_scopes][value=share_with_rhtp]")
    save_and_continue(page)

    # Step 2: the person. A birth date in the future first.
    expect_heading(page, "The person")
    assert_accessible(page, "step 2")
    page.fill("input[name=legal_name]", "Marisol Quintanilla Reyes")
    page.fill("input[name=date_of_birth]", tomorrow)
    save_and_continue(page)
    assert "cannot be in the future" in page.locator("#div_id_date_of_birth").inner_text()
    assert_accessible(page, "step 2 with errors")
    page.fill("input[name=date_of_birth]", "1991-07-14")
    page.select_option("select[name=gender]", "female")
    page.fill("input[name=country_of_birth]", "El Salvador")
    page.select_option("select[name=preferred_language]", "es")
    page.check("input[name=interpreter_needed]")
    page.select_option("select[name=immigration_status]", "undocumented")
    page.select_option("select[name=county_of_residence]", label="Albany")
    page.fill("input[name=phone]", "518-555-0147")
    page.check("input[name=safe_to_text]")

    # Leave: save and finish later, go elsewhere, come back to the draft.
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(re.compile(r"/referrals/$"))
    assert_accessible(page, "referral list with a draft")
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/referrals/")
    page.get_by_role("link", name=re.compile("^Continue")).click()
    expect_heading(page, "You and consent")
    assert page.locator("input[name=consent_scopes][value=share_with_rhtp]").is_checked()
    save_and_continue(page)
    expect_heading(page, "The person")
    assert page.input_value("input[name=legal_name]") == "Marisol Quintanilla Reyes"
    assert page.input_value("input[name=date_of_birth]") == "1991-07-14"
    save_and_continue(page)

    # Step 3: what happened. An end date before the start first.
    expect_heading(page, "What happened")
    assert_accessible(page, "step 3")
    page.check("input[name=trafficking_types][value=labor]")
    page.select_option("select[name=trafficking_counties]", label="Albany")
    page.fill("input[name=trafficking_began]", "2025-03-01")
    page.fill("input[name=trafficking_ended]", "2025-01-01")
    page.select_option("select[name=industry]", "restaurant")
    page.check("input[name=indicators_fraud][value=fraud_pay]")
    page.check("input[name=indicators_coercion][value=coercion_documents]")
    page.fill("textarea[name=narrative]", "Worked in a kitchen for a year; passport was taken.")
    page.check("input[name=willing_to_assist][value=unknown]")
    page.check("input[name=arrested][value=no]")
    save_and_continue(page)
    assert "on or after the start date" in page.locator("#div_id_trafficking_ended").inner_text()
    assert_accessible(page, "step 3 with errors")
    page.fill("input[name=trafficking_ended]", "2025-12-01")
    save_and_continue(page)

    # Step 4: needs. "Other" without saying what, first.
    expect_heading(page, "Needs")
    assert_accessible(page, "step 4")
    page.check("input[name=services_needed][value=case_management]")
    page.check("input[name=services_needed][value=other]")
    save_and_continue(page)
    assert "Say what other services" in page.locator("#div_id_services_other").inner_text()
    assert_accessible(page, "step 4 with errors")
    page.fill("input[name=services_other]", "A phone")
    save_and_continue(page)

    # Step 5: attachments. A disguised file is refused; the PDF is attached.
    expect_heading(page, "Attachments")
    assert_accessible(page, "step 5")
    fake_pdf = tmp_path / "report.pdf"
    fake_pdf.write_bytes(files.HTML)
    page.check("input[name=kind][value=consent_form]")
    page.set_input_files("input[name=file]", str(fake_pdf))
    page.get_by_role("button", name="Attach file").click()
    assert "Choose a PDF, JPEG, PNG or Word" in page.locator("#div_id_file").inner_text()
    assert_accessible(page, "step 5 with errors")
    consent = tmp_path / "signed consent.pdf"
    consent.write_bytes(files.pdf("Signed consent"))
    page.check("input[name=kind][value=consent_form]")
    page.set_input_files("input[name=file]", str(consent))
    page.get_by_role("button", name="Attach file").click()
    assert page.get_by_role("link", name="signed consent.pdf").is_visible()
    save_and_continue(page)

    # Step 6: review and submit.
    expect_heading(page, "Review and submit")
    assert "Before you can submit" not in page.content()
    assert "Marisol Quintanilla Reyes" in page.content()
    assert_accessible(page, "step 6")
    page.get_by_role("button", name="Submit referral").click()

    expect_heading(page, "Referral submitted")
    referral = Referral.objects.get(created_by=user)
    assert referral.status == Status.SUBMITTED
    assert page.locator(".referral-reference").inner_text() == referral.reference
    assert re.fullmatch(r"VC-\d{4}-\d{6}", referral.reference)
    due = timezone.localtime(referral.due_at)
    assert f"{due:%B} {due.day}, {due.year}" in page.locator(".referral-due").inner_text()
    assert_accessible(page, "confirmation page")

    page.get_by_role("link", name="See the referral and its status").click()
    expect_heading(page, f"Referral {referral.reference}")
    assert_accessible(page, "referral page")
    assert csp_violations == []


def test_the_review_page_with_everything_missing_is_accessible(live_server, page):
    user = UserFactory()
    sign_in(page, live_server, user)
    page.goto(live_server.url + "/referrals/new/")
    page.get_by_role("button", name="Start the referral").click()
    referral = Referral.objects.get(created_by=user)
    page.goto(f"{live_server.url}/referrals/{referral.public_id}/review/")
    assert "Before you can submit" in page.content()
    assert_accessible(page, "review with problems")
    page.get_by_role("link", name=re.compile("The person: Enter the person")).click()
    assert "Enter the person's legal name." in page.locator("#div_id_legal_name").inner_text()
    assert_accessible(page, "person step, checked")


def expect_heading(page, text):
    heading = page.locator("h1")
    heading.wait_for()
    assert heading.inner_text() == text, heading.inner_text()


def test_answering_a_request_and_withdrawing_are_accessible(live_server, page, tmp_path, settings):
    from referral_portal.roles import Role
    from referrals import services
    from referrals.models import EventKind, InformationRequest
    from tests.referrals.builders import submitted

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    user = UserFactory()
    referral = submitted(user)
    InformationRequest.objects.create(
        referral=referral,
        requested_by=UserFactory(role=Role.STATE_REVIEWER),
        reasons=[InformationRequest.Reason.MISSING_CONSENT],
        message="Please attach the signed consent form.",
    )
    referral.request_information()
    referral.save()
    services.record_event(referral=referral, actor=None, kind=EventKind.INFO_REQUESTED)
    sign_in(page, live_server, user)

    page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
    assert_accessible(page, "referral with an open request")
    page.get_by_role("link", name="Answer the request").click()
    assert_accessible(page, "answer form")
    page.get_by_role("button", name="Send the answer").click()
    assert "Write your answer." in page.locator("#div_id_response").inner_text()
    assert_accessible(page, "answer form with errors")
    page.fill("textarea[name=response]", "The signed form is attached.")
    consent = tmp_path / "consent.pdf"
    consent.write_bytes(files.pdf("Signed"))
    page.set_input_files("input[name=file_1]", str(consent))
    page.get_by_role("button", name="Send the answer").click()
    expect_heading(page, f"Referral {referral.reference}")
    assert "Information provided" in page.content()

    page.get_by_role("link", name="Withdraw this referral").click()
    assert_accessible(page, "withdraw form")
    page.get_by_role("button", name="Withdraw the referral").click()
    assert "Say why" in page.locator("#div_id_reason").inner_text()
    assert_accessible(page, "withdraw form with errors")
    page.fill("textarea[name=reason]", "The person asked us to stop.")
    page.get_by_role("button", name="Withdraw the referral").click()
    expect_heading(page, f"Referral {referral.reference}")
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    assert_accessible(page, "withdrawn referral")

"""The reviewer's journey in Chromium: find the referral in the queue, request information,
the referrer answers through the referrals app's page, record the consultation, confirm, and
download the confirmation notice, whose text is read from the PDF."""

import re
from pathlib import Path

import pytest

from referrals.models import Status
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_requests_information_records_consultation_confirms_and_downloads_the_notice(
    live_server, page, browser, csp_violations, tmp_path
):
    other = helpers.submitted()  # another open referral, so the search has work to do
    referral = helpers.submitted()
    reviewer = helpers.reviewer()

    # The reviewer finds the referral in the queue by its reference number.
    sign_in(page, live_server, reviewer)
    page.get_by_role("link", name="Review queue", exact=True).click()
    assert page.locator("h1").inner_text() == "Review queue"
    assert page.get_by_role("link", name=other.reference).is_visible()
    assert_accessible(page, "queue")
    page.get_by_text("Search and filter").click()
    page.get_by_label("Reference number").fill(referral.reference)
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_role("link", name=other.reference).count() == 0
    page.get_by_role("link", name=referral.reference).click()
    assert page.locator("h1").inner_text() == f"Referral {referral.reference}"
    assert page.get_by_text(referral.legal_name).first.is_visible()
    assert_accessible(page, "case page")

    # Claim it and ask the referrer for more.
    page.get_by_role("button", name="Claim this referral").click()
    assert page.get_by_text("is assigned to you").is_visible()
    page.get_by_role("link", name="Request information from the referrer").click()
    page.get_by_role("button", name="Send the request").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert re.match(r"^Error: ", page.title())
    assert_accessible(page, "request form with errors")
    page.get_by_label("Consent is missing or unclear").check()
    page.get_by_label("Message to the referrer").fill("Please attach the signed consent form.")
    page.get_by_role("button", name="Send the request").click()
    assert page.get_by_text("Your request is sent").is_visible()

    # The referrer answers through the referrals app's page, in their own browser session.
    referrer_context = browser.new_context()
    referrer_page = referrer_context.new_page()
    sign_in(referrer_page, live_server, referral.submitted_by)
    referrer_page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
    referrer_page.get_by_role("link", name="Answer the request").click()
    referrer_page.get_by_label("Your answer").fill("The signed consent form was given on paper.")
    referrer_page.get_by_role("button", name="Send the answer").click()
    assert referrer_page.get_by_text("Your answer is sent").is_visible()
    referrer_context.close()

    # Back in the queue, the referral is at the top, marked "information provided".
    page.get_by_role("link", name="Review queue", exact=True).click()
    first_row = page.locator("table.review-table tbody tr").first
    assert referral.reference in first_row.inner_text()
    assert "Information provided" in first_row.inner_text()
    first_row.get_by_role("link", name=referral.reference).click()
    assert page.get_by_text("The signed consent form was given on paper.").is_visible()

    # The consultation with the other agency.
    page.get_by_role("link", name="Record a consultation").click()
    page.get_by_label("Division of Criminal Justice Services (DCJS)").check()
    page.get_by_label("Who you consulted").fill("Human trafficking director")
    page.get_by_label("Agrees the person should be confirmed").check()
    assert_accessible(page, "consultation form")
    page.get_by_role("button", name="Record the consultation").click()
    assert page.get_by_text("The consultation is recorded.").is_visible()

    # Confirm: basis, routing facts, the preview of destinations and notices, then issue.
    page.get_by_role("link", name="Confirm", exact=True).click()
    page.get_by_label("Both: meets the federal criteria and is otherwise eligible").check()
    page.get_by_label("Yes", exact=True).first.check()  # appears eligible: the district
    page.get_by_role("button", name="Preview the decision and notices").click()
    assert page.get_by_role("heading", name="Where the case will be sent").is_visible()
    assert page.get_by_role("heading", name="Notice of confirmation").is_visible()
    assert_accessible(page, "confirmation preview")
    page.get_by_role("button", name="Confirm and issue the notices").click()
    assert page.get_by_text(f"Referral {referral.reference} is confirmed").is_visible()
    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED
    assert_accessible(page, "case page, confirmed")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Confirmation notice (adult)", exact=True).click()
    saved = tmp_path / "notice.pdf"
    download_info.value.save_as(saved)
    text = helpers.pdf_text(Path(saved).read_bytes())
    assert "Notice of confirmation" in text
    assert referral.reference in text
    assert " ".join(referral.legal_name.split()) in text
    assert csp_violations == []

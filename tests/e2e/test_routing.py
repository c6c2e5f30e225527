"""The receiving agency's part of the journey in Chromium: the district's user sees the routed
case, acknowledges it and reports "contacted"; the referrer sees those steps on the timeline.

The reviewer's confirmation is done here through the services (the review UI is another app's);
the confirm-through-the-browser step belongs to tests/e2e for confirmations."""

import re

import pytest
from django.utils import timezone

from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.outbox import drain
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, receiving_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _routed_case():
    referral = confirmed_referral(safe_to_call=True, safe_to_text=False)
    [delivery] = route(referral)
    drain()  # what the worker does, in this process
    return referral, delivery


def test_the_district_acknowledges_and_reports_contact_and_the_referrer_sees_it(
    live_server, page, csp_violations
):
    referral, delivery = _routed_case()
    agency_user = receiving_user(district().organization)

    sign_in(page, live_server, agency_user)
    page.get_by_role("link", name="Cases sent to us").click()
    assert page.locator("h1").inner_text() == f"Cases sent to {district().organization.name}"
    assert_accessible(page, "case list")

    page.get_by_role("link", name=referral.reference).click()
    assert page.locator("h1").inner_text() == f"Case {referral.reference}"
    assert page.get_by_text(referral.legal_name).is_visible()
    assert page.get_by_text("Do not text.").is_visible()
    assert_accessible(page, "case page")

    page.get_by_role("button", name="Acknowledge receipt").click()
    assert page.get_by_text(f"You acknowledged receipt of case {referral.reference}").is_visible()
    assert page.get_by_role("button", name="Acknowledge receipt").count() == 0
    assert_accessible(page, "case page, acknowledged")

    page.get_by_role("link", name="Report what happened").click()
    page.get_by_label("Could not reach the person").check()
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert re.match(r"^Error: ", page.title())
    assert_accessible(page, "outcome form with errors")

    page.get_by_label("Contacted the person").check()
    attempt = page.get_by_role("group", name="Attempt 1")
    attempt.get_by_label("Date").fill(timezone.localdate().isoformat())
    attempt.get_by_label("How").select_option("phone")
    page.get_by_label("Private note (optional)").fill("Met at the drop-in centre")
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_text("Your report was saved.").is_visible()
    assert page.get_by_role("heading", name="Contacted the person").is_visible()
    assert_accessible(page, "case page with a report")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, referral.created_by)
    page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
    timeline = page.locator("#timeline + ol")
    text = timeline.inner_text()
    for step in (
        "Sent for services",
        "Acknowledged by the receiving agency",
        "Outcome reported",
        "Contacted the person",
    ):
        assert step in text
    assert "drop-in centre" not in page.content()
    assert_accessible(page, "referrer's timeline")
    assert csp_violations == []

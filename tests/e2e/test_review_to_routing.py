"""From the reviewer's confirmation to the receiving agency and back to the referrer, in
Chromium: the reviewer confirms; the district's user sees the case, acknowledges it and
reports "contacted"; the referrer sees every step on the referral's timeline."""

import pytest
from django.utils import timezone

from referral_portal.roles import Role
from routing.models import RoutingDelivery
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.outbox import drain
from tests.routing.factories import district, receiving_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_confirmed_referral_reaches_the_district_and_the_referrer_sees_its_progress(
    live_server, page, browser, csp_violations
):
    reviewer = helpers.reviewer()
    referrer = UserFactory(role=Role.REFERRER)
    referral = helpers.ready_to_decide(reviewer, referrer=referrer)  # claimed and consulted
    agency_user = receiving_user(district().organization)

    # The reviewer confirms; the preview names the Albany County district.
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/{referral.public_id}/")
    page.get_by_role("link", name="Confirm", exact=True).click()
    page.get_by_label("Appears to meet the federal criteria for a severe form").check()
    # Undocumented, so the suggestion is "no" (the RHTP provider, outside this consent); the
    # reviewer finds the person eligible, which sends the case to the district.
    page.get_by_role("group", name="Does the person appear eligible").get_by_label("Yes").check()
    page.get_by_role("button", name="Preview the decision and notices").click()
    destinations = page.locator("#destinations + ul").inner_text()
    assert district().organization.name in destinations
    page.get_by_role("button", name="Confirm and issue the notices").click()
    assert page.get_by_role("heading", name="Where the case was sent").is_visible()
    assert_accessible(page, "confirmed case page")

    drain()  # what the Celery worker does: the case reaches the district's portal
    delivery = RoutingDelivery.objects.get(referral=referral)
    assert delivery.portal_delivered_at is not None

    # The district's user sees the case, acknowledges it and reports contact (each person in
    # their own browser; the reviewer stays signed in: a TOTP code works only once).
    reviewer_page, page = page, browser.new_context().new_page()
    page.on(
        "console",
        lambda m: (
            csp_violations.append(m.text) if "Content" in m.text and "Security" in m.text else None
        ),
    )
    sign_in(page, live_server, agency_user)
    page.get_by_role("link", name="Cases sent to us").click()
    assert_accessible(page, "district case list")
    page.get_by_role("link", name=referral.reference).click()
    assert page.get_by_text(referral.legal_name).first.is_visible()
    assert_accessible(page, "district case page")
    page.get_by_role("button", name="Acknowledge receipt").click()
    assert page.get_by_text(f"You acknowledged receipt of case {referral.reference}").is_visible()
    page.get_by_role("link", name="Report what happened").click()
    page.get_by_label("Contacted the person").check()
    attempt = page.get_by_role("group", name="Attempt 1")
    attempt.get_by_label("Date").fill(timezone.localdate().isoformat())
    attempt.get_by_label("How").select_option("phone")
    assert_accessible(page, "outcome form")
    page.get_by_role("button", name="Save report").click()
    assert page.get_by_text("Your report was saved.").is_visible()
    page.get_by_role("button", name="Sign out").click()

    # The referrer follows it on the timeline and can download the notice meant for them.
    sign_in(page, live_server, referrer)
    page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
    timeline = page.locator("#timeline + ol").inner_text()
    for step in (
        "Confirmed",
        "Sent for services",
        "Acknowledged by the receiving agency",
        "Outcome reported",
        "Contacted the person",
    ):
        assert step in timeline, step
    assert page.get_by_role("link", name="Notice to the referring organization").is_visible()
    assert_accessible(page, "referrer's timeline")

    # The reviewer sees the loop closed on the case page.
    reviewer_page.reload()
    sent = reviewer_page.locator("#routing + ul").inner_text()
    assert "acknowledged" in sent and "Contacted the person" in sent
    assert csp_violations == []

"""Decline, appeal and overturn in Chromium, error states included: the reviewer declines
with reasons (after a form error), the referrer appeals from the appeal page, and a different
reviewer finds the appeal in the queue and overturns the decline."""

import re

import pytest

from confirmations.models import Appeal
from referral_portal.roles import Role
from referrals.models import Status
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_decline_is_appealed_and_overturned_by_another_reviewer(
    live_server, page, browser, csp_violations
):
    first_reviewer, second_reviewer = helpers.reviewer(), helpers.reviewer()
    referrer = UserFactory(role=Role.REFERRER)
    referral = helpers.ready_to_decide(first_reviewer, referrer=referrer)

    sign_in(page, live_server, first_reviewer)
    page.goto(f"{live_server.url}/review/{referral.public_id}/")
    page.get_by_role("link", name="Decline", exact=True).click()
    page.get_by_label("Another reason (explained in the note)").check()
    page.get_by_role("button", name="Preview the notice").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert re.match(r"^Error: ", page.title())
    assert_accessible(page, "decline form with errors")
    page.get_by_label("The facts given do not appear to meet the definition").check()
    page.get_by_label("Explanation for the referring organization").fill(
        "The account describes a workplace dispute over pay."
    )
    page.get_by_role("button", name="Preview the notice").click()
    assert page.get_by_role("heading", name="How to appeal").is_visible()
    assert_accessible(page, "decline preview")
    page.get_by_role("button", name="Decline and issue the notice").click()
    assert page.get_by_text(f"The referral is declined: {referral.reference}").is_visible()

    # The referrer appeals from the appeal page named on the notice.
    referrer_context = browser.new_context()
    referrer_page = referrer_context.new_page()
    sign_in(referrer_page, live_server, referrer)
    referrer_page.goto(f"{live_server.url}/review/{referral.public_id}/appeal/")
    assert_accessible(referrer_page, "appeal page")
    referrer_page.get_by_role("button", name="Send the appeal").click()
    assert referrer_page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(referrer_page, "appeal page with errors")
    referrer_page.get_by_label("Why should the decision change?").fill(
        "The employer held her passport and threatened to report her."
    )
    referrer_page.get_by_role("button", name="Send the appeal").click()
    assert referrer_page.get_by_text("Your appeal of referral").is_visible()
    referrer_context.close()
    assert Appeal.objects.filter(referral=referral).exists()

    # A different reviewer finds it among the appeals and overturns the decline.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, second_reviewer)
    page.get_by_role("link", name="Review queue", exact=True).click()
    page.get_by_text("Search and filter").click()
    page.get_by_label("Reference number").fill("not a reference")
    page.get_by_role("button", name="Apply").click()
    assert page.get_by_text("Enter a reference number like").first.is_visible()
    assert_accessible(page, "queue with a filter error")
    page.get_by_role("link", name=re.compile(r"^Appealed")).click()
    page.get_by_role("link", name=referral.reference).click()
    assert page.get_by_text("her passport").is_visible()
    page.get_by_role("button", name="Claim this referral").click()
    page.get_by_role("link", name="Overturn the decline and confirm").click()
    page.get_by_label("Appears otherwise eligible for benefits and services").check()
    page.get_by_role("group", name="Does the person appear eligible").get_by_label("Yes").check()
    page.get_by_role("button", name="Preview the decision and notices").click()
    assert_accessible(page, "overturn preview")
    page.get_by_role("button", name="Confirm and issue the notices").click()
    assert page.get_by_text(f"Referral {referral.reference} is confirmed").is_visible()
    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED
    assert page.get_by_text("Decline overturned").is_visible()
    assert csp_violations == []

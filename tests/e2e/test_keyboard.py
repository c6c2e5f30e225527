"""Whole journeys with the keyboard alone (issue 17): a reviewer confirms a referral and a
receiving agency's worker acknowledges the case, pressing only Tab, Shift+Tab, Enter and Space.
At every stop the focused element must show a focus indicator (an outline or a box shadow), and
axe runs on every page reached."""

import pytest

from referrals.models import Status
from routing.models import RoutingDelivery
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.keyboard import follow, tab_to
from tests.e2e.signin import sign_in
from tests.referrals.builders import draft
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, receiving_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_confirms_a_referral_with_the_keyboard_alone(live_server, page):
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)  # claimed and consulted
    sign_in(page, live_server, reviewer)

    tab_to(page, page.get_by_role("link", name="Review queue", exact=True))
    follow(page)
    tab_to(page, page.get_by_role("link", name=referral.reference))
    follow(page)
    assert_accessible(page, "case page")

    # Past Confirm to Decline, and back.
    confirm = page.get_by_role("link", name="Confirm", exact=True)
    tab_to(page, page.get_by_role("link", name="Decline", exact=True))
    tab_to(page, confirm, backwards=True)
    follow(page)
    assert_accessible(page, "confirm form")

    # A radio group with nothing chosen takes the focus on its first choice; Space picks it.
    basis = page.locator("input[name=basis]").first
    tab_to(page, basis)
    page.keyboard.press("Space")
    assert basis.is_checked()
    tab_to(page, page.get_by_role("button", name="Preview the decision and notices"))
    follow(page)
    page.get_by_role("heading", name="Where the case will be sent").wait_for()
    assert_accessible(page, "confirmation preview")

    tab_to(page, page.get_by_role("button", name="Confirm and issue the notices"))
    follow(page, "Space")
    page.get_by_text(f"Referral {referral.reference} is confirmed").wait_for()
    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED


def test_an_agency_worker_acknowledges_a_case_with_the_keyboard_alone(
    live_server, page, drain_outbox
):
    referral = confirmed_referral()
    route(referral)
    drain_outbox()
    sign_in(page, live_server, receiving_user(district().organization))

    tab_to(page, page.get_by_role("link", name="Cases sent to us"))
    follow(page)
    tab_to(page, page.get_by_role("link", name=referral.reference))
    follow(page)
    acknowledge = page.get_by_role("button", name="Acknowledge receipt")
    acknowledge.wait_for()
    assert_accessible(page, "agency case page")
    tab_to(page, acknowledge)
    follow(page)
    page.get_by_text(f"You acknowledged receipt of case {referral.reference}").wait_for()
    assert RoutingDelivery.objects.get(referral=referral).acknowledged_at is not None
    assert_accessible(page, "agency case page, acknowledged")


STEPS = ["You and consent", "The person", "What happened", "Needs", "Attachments"]


def test_a_referrer_submits_a_finished_draft_with_the_keyboard_alone(live_server, page):
    """Every field of every step is passed on the way to "Save and continue", so each shows
    its focus indicator; the values are the draft's (typing them is the wizard's own test)."""
    referral = draft()
    sign_in(page, live_server, referral.created_by)

    tab_to(page, page.locator("nav.portal-nav a[href='/referrals/']"))
    follow(page)
    tab_to(page, page.locator(f"a[href*='{referral.public_id}/edit/']").first)
    follow(page)
    for title in STEPS:
        page.locator("h1", has_text=title).wait_for()
        assert_accessible(page, title)
        tab_to(page, page.get_by_role("button", name="Save and continue"))
        follow(page)
    page.locator("h1", has_text="Review and submit").wait_for()
    assert_accessible(page, "Review and submit")
    tab_to(page, page.get_by_role("button", name="Submit referral"))
    follow(page)
    page.locator("h1", has_text="Referral submitted").wait_for()
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED

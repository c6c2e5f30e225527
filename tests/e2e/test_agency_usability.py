"""What a receiving agency's worker stumbled on (issue 17), in Chromium at desktop width and at
390 px: who referred the person and how to reach them, "Other" with its explanation as one
need, deadlines in the NYS time style with the time zone. axe runs on every page visited."""

import re

import pytest

from tests.e2e.axe import assert_accessible
from tests.e2e.layout import assert_no_sideways_scroll
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district, receiving_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOT_NYS_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\s?(AM|PM|am|pm)\b")
NYS_DEADLINE = re.compile(r"^By \w+day, \w+ \d{1,2}, \d{4}, \d{1,2}:\d{2} (a|p)\.m\. Eastern Time$")


def test_the_case_page_names_the_referrer_and_reads_well_on_a_phone(
    live_server, page, drain_outbox
):
    referrer = UserFactory(first_name="Dana", last_name="Okafor", phone="518-555-0199")
    referral = confirmed_referral(
        referrer=referrer, services_needed=["shelter", "other"], services_other="A phone"
    )
    route(referral)
    drain_outbox()
    sign_in(page, live_server, receiving_user(district().organization))

    page.get_by_role("link", name="Cases sent to us").click()
    page.get_by_role("link", name=referral.reference).click()
    referred_by = page.locator(
        "section", has=page.get_by_role("heading", name="Who referred the person")
    )
    facts = dict(
        zip(
            referred_by.locator("dt").all_inner_texts(),
            referred_by.locator("dd").all_inner_texts(),
            strict=True,
        )
    )
    assert facts == {
        "Organization": referrer.organization.name,
        "Organization's phone": referrer.organization.phone,
        "Referred by": f"Dana Okafor, 518-555-0199, {referrer.email}",
    }
    needs = page.locator("section", has=page.get_by_role("heading", name="What the person needs"))
    assert needs.locator("li").all_inner_texts() == [
        "Shelter or rental assistance",
        "Other: A phone",
    ]
    main = page.locator("main").inner_text()
    assert NOT_NYS_TIME.search(main) is None
    due = page.locator("dt:text-is('Acknowledge receipt') + dd").inner_text()
    assert NYS_DEADLINE.match(due), due
    assert_accessible(page, "case page")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_no_sideways_scroll(page, "case page at 390 px")
    assert_accessible(page, "case page at 390 px")
    page.get_by_role("link", name="Cases sent to us").click()
    assert_no_sideways_scroll(page, "case list at 390 px")
    assert_accessible(page, "case list at 390 px")

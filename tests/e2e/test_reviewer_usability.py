"""What a reviewer stumbled on (issue 17), in Chromium at desktop width and at 390 px: the case
page opens with the person and what happened, sections with nothing in them are one status line
near the top, Confirm and Decline are the page's buttons where the reading ends; the queue shows
when each referral was received and sorts by it. axe runs on every page visited."""

from datetime import UTC, datetime, timedelta

import pytest

from confirmations.choices import DeclineReason
from referral_portal.roles import Role
from referrals.models import Referral
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.layout import PHONE, assert_no_sideways_scroll
from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MONDAY = datetime(2026, 3, 2, 15, 5, tzinfo=UTC)  # 10:05 a.m. in New York


def test_the_case_page_reads_person_first_and_ends_with_the_decision(live_server, page):
    reviewer = helpers.reviewer()
    referral = helpers.assigned(reviewer)  # claimed; nothing asked or recorded yet
    sign_in(page, live_server, reviewer)
    page.goto(f"{live_server.url}/review/{referral.public_id}/")

    assert page.locator("main h2").all_inner_texts() == [
        "The person",
        "What happened",
        "Needs",
        "Referrer and consent",
        "Attachments",
        "Your decision",
        "Timeline",
        "Viewed by",
    ]
    assert page.get_by_test_id("so-far").inner_text() == (
        "No information requested. No consultation recorded yet. "
        "No other referral of the same person was found."
    )
    decision = page.locator("section", has=page.get_by_role("heading", name="Your decision"))
    buttons = decision.locator("a.btn.btn-primary")
    assert buttons.all_inner_texts() == ["Confirm", "Decline"]
    assert decision.locator("ul.review-actions a").all_inner_texts() == [
        "Request information from the referrer",
        "Record a consultation",
        "Extend the deadline for good cause",
    ]
    assert buttons.first.bounding_box()["height"] >= 44  # a button, not a link in a row of five
    assert_accessible(page, "case page")

    page.get_by_role("link", name="Skip to your decision").click()
    assert page.url.endswith("#actions")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_sideways_scroll(page, "case page at 390 px")
    assert_accessible(page, "case page at 390 px")
    page.get_by_role("link", name="Confirm", exact=True).click()
    assert page.locator("h1").inner_text() == f"Confirm referral {referral.reference}"
    assert_no_sideways_scroll(page, "confirm form at 390 px")


def test_the_queue_shows_when_each_referral_was_received_and_sorts_by_it(live_server, page):
    referrer = UserFactory(role=Role.REFERRER)
    first, second, third = helpers.bulk_open_referrals(3, referrer=referrer)
    for row, day, due_in in ((first, 0, 2), (second, 1, 3), (third, 2, 1)):
        Referral.objects.filter(pk=row.pk).update(
            submitted_at=MONDAY + timedelta(days=day), due_at=MONDAY + timedelta(days=10 + due_in)
        )
    sign_in(page, live_server, helpers.reviewer())
    page.get_by_role("link", name="Review queue", exact=True).click()

    def column(name: str) -> list[str]:
        headers = page.locator("table.review-table thead th").all_inner_texts()
        # A sortable header's link also says, to screen readers, which order it gives.
        index = next(i for i, text in enumerate(headers) if text.startswith(name)) + 1
        return page.locator(f"table.review-table tbody td:nth-child({index})").all_inner_texts()

    assert column("Reference") == [third.reference, first.reference, second.reference]
    assert column("Received") == [
        "Mar 4, 2026, 10:05 a.m.",
        "Mar 2, 2026, 10:05 a.m.",
        "Mar 3, 2026, 10:05 a.m.",
    ]
    assert_accessible(page, "queue")

    page.get_by_role("link", name="Received (sort oldest first)").click()
    assert column("Reference") == [first.reference, second.reference, third.reference]
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "ascending"
    assert_accessible(page, "queue, oldest first")

    page.get_by_role("link", name="Received (sort newest first)").click()
    assert column("Reference") == [third.reference, second.reference, first.reference]
    assert page.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"

    page.set_viewport_size(PHONE)
    assert_no_sideways_scroll(page, "queue at 390 px")
    assert_accessible(page, "queue at 390 px")

    page.get_by_role("link", name="Back to the usual order").click()
    assert column("Reference") == [third.reference, first.reference, second.reference]
    assert page.locator("th[aria-sort]").count() == 0


def test_the_reviewers_forms_fit_a_phone(live_server, page):
    """Each form a reviewer opens from the case page, and the decline notice's preview, at 390 px:
    no sideways scrolling, and axe finds nothing."""
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)  # a consultation is on file, so decline may go on
    sign_in(page, live_server, reviewer)
    page.set_viewport_size(PHONE)
    case = f"{live_server.url}/review/{referral.public_id}/"
    for path, heading in (
        ("request-information/", "Request information about"),
        ("consultation/", "Record a consultation about"),
        ("extension/", "Extend the deadline for"),
        ("decline/", "Decline referral"),
    ):
        page.goto(case + path)
        assert page.locator("h1").inner_text() == f"{heading} {referral.reference}"
        assert_no_sideways_scroll(page, f"{path} at 390 px")
        assert_accessible(page, f"{path} at 390 px")

    page.get_by_label(DeclineReason.CRITERIA_NOT_MET.label).check()
    page.get_by_role("button", name="Preview the notice").click()
    assert page.locator("h1").inner_text() == f"Check before you decline {referral.reference}"
    assert_no_sideways_scroll(page, "decline preview at 390 px")
    assert_accessible(page, "decline preview at 390 px")

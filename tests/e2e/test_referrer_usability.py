"""What a referrer stumbled on (issue 17), in Chromium at desktop width and at 390 px: optional
fields marked on each step, drafts told apart and paged on their own, referrals waiting for an
answer flagged and listed first, status tags with colour and words, the decline's reasons and
last day to appeal, and one time format. axe runs on every page visited."""

import re

import pytest
from django.utils import timezone

from confirmations.choices import DeclineReason
from referrals.models import Status
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.layout import PHONE
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.referrals.builders import draft, in_state

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# "10:32 PM", "10:32 AM", "10:32 pm": any time not written in the NYS style.
NOT_NYS_TIME = re.compile(r"\b\d{1,2}:\d{2}(:\d{2})?\s?(AM|PM|am|pm)\b")


def labels(page) -> list[str]:
    return [text.strip() for text in page.locator("main label, main legend").all_inner_texts()]


def assert_no_sideways_scroll(page, what):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page scrolls sideways by {overflow}px"


def test_each_step_marks_its_optional_fields_and_a_draft_keeps_its_nickname(live_server, page):
    user = UserFactory()
    sign_in(page, live_server, user)
    page.goto(live_server.url + "/referrals/new/")
    page.get_by_role("button", name="Start the referral").click()

    step_1 = labels(page)
    assert "Your name for this referral (optional)" in step_1
    assert "When did your organization first meet the person?" in step_1
    assert "When was consent given?" in step_1  # a provider must record consent
    assert_accessible(page, "step 1")
    page.get_by_role("button", name="Save and continue").click()

    step_2 = labels(page)
    assert "Legal name" in step_2 and "Date of birth" in step_2
    for optional in ("Other names they use", "Phone number", "E-mail address", "Gender"):
        assert f"{optional} (optional)" in step_2, step_2
    assert "Estimated age in years" in step_2  # asked only without a date of birth
    assert "It is safe to call this number" in step_2  # a checkbox is never "optional"
    assert_accessible(page, "step 2")
    page.get_by_role("button", name="Save and continue").click()

    step_3 = labels(page)
    assert "When did it start? (optional)" in step_3
    assert "When did it end? (optional)" in step_3
    assert "Agency case number (optional)" in step_3  # required only of the police
    assert "What happened, in your words" in step_3
    assert_accessible(page, "step 3")
    page.get_by_role("button", name="Back").click()
    page.get_by_role("button", name="Back").click()

    page.get_by_label("Your name for this referral (optional)").fill("client from Tuesday intake")
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(re.compile(r"/referrals/$"))
    row = page.locator("#drafts + div tbody tr")
    assert row.locator("td").all_inner_texts()[:2] == [
        "client from Tuesday intake",
        "What happened (step 3 of 6)",  # "Back" saves the step too
    ]
    assert_accessible(page, "list with a named draft")


def test_the_list_flags_answers_needed_first_pages_drafts_apart_and_tags_status(live_server, page):
    user = UserFactory()
    for number in range(12):
        draft(user, nickname=f"draft number {number}")
    for _ in range(26):
        in_state(Status.SUBMITTED, user)
    confirmed = in_state(Status.CONFIRMED, user)
    declined = in_state(Status.DECLINED, user)
    waiting = in_state(Status.INFO_REQUESTED, user, nickname="Tuesday intake")
    sign_in(page, live_server, user)

    # Home: the referral waiting for an answer is named, flagged and linked.
    assert page.get_by_text("1 referral needs your answer").is_visible()
    assert page.get_by_role("link", name=f"{waiting.reference} (Tuesday intake)").is_visible()
    assert_accessible(page, "home with a referral needing an answer")

    page.goto(live_server.url + "/referrals/")
    first_row = page.locator("#submitted + div tbody tr").first
    assert first_row.locator("td").first.inner_text() == waiting.reference
    assert first_row.locator(".portal-tag").inner_text() == "Needs your answer"
    # Drafts and submitted referrals each have their own pager.
    drafts_pager = page.get_by_role("navigation", name="Pages of your drafts")
    assert drafts_pager.inner_text().split("\n") == ["Drafts page 1 of 2", "Older drafts"]
    submitted_pager = page.get_by_role("navigation", name="Pages of submitted referrals")
    assert "Page 1 of 2" in submitted_pager.inner_text()
    assert page.locator("#drafts + div tbody tr").count() == 10
    # Colour as well as words: confirmed and declined differ from each other and from the rest.
    colours = {
        status: page.locator(f".referral-status--{status}").first.evaluate(
            "tag => getComputedStyle(tag).backgroundColor"
        )
        for status in ("confirmed", "declined", "submitted")
    }
    assert len(set(colours.values())) == 3, colours
    assert page.get_by_text(confirmed.reference).is_visible()
    assert NOT_NYS_TIME.search(page.locator("main").inner_text()) is None
    assert re.search(r"\d{1,2}:\d{2} (a|p)\.m\.", page.locator("main").inner_text())
    assert_accessible(page, "referral list")

    drafts_pager.get_by_role("link", name="Older drafts").click()
    assert page.locator("#drafts + div tbody tr").count() == 2
    assert (
        "Page 1 of 2"
        in page.get_by_role("navigation", name="Pages of submitted referrals").inner_text()
    )

    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/referrals/")
    assert_no_sideways_scroll(page, "referral list at 390 px")
    assert_accessible(page, "referral list at 390 px")
    page.goto(f"{live_server.url}/referrals/{declined.public_id}/")
    assert_no_sideways_scroll(page, "declined referral at 390 px")
    assert_accessible(page, "declined referral at 390 px")


def test_a_declined_referral_states_the_reasons_and_the_last_day_to_appeal(live_server, page):
    from confirmations.decisions import appeal_open_until

    reviewer = helpers.reviewer()
    referrer = UserFactory()
    referral = helpers.ready_to_decide(reviewer, referrer=referrer)
    helpers.decline(
        referral, reviewer, reasons=(DeclineReason.CRITERIA_NOT_MET,), note="Internal note."
    )
    referral.refresh_from_db()
    last_day = appeal_open_until(referral)
    sign_in(page, live_server, referrer)

    page.goto(f"{live_server.url}/referrals/{referral.public_id}/")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Why the State declined")
    )
    assert section.locator("li").all_inner_texts() == [DeclineReason.CRITERIA_NOT_MET.label]
    expected = f"{last_day:%A, %B} {last_day.day}, {last_day.year}"
    assert section.locator(".referral-appeal-by strong").inner_text() == expected
    assert "Internal note." not in page.content()
    assert page.locator(".referral-status--declined").inner_text() == "Declined"
    assert_accessible(page, "declined referral")
    assert timezone.localdate() <= last_day

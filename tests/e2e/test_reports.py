"""The statistics page and a scorecard in Chromium: filters, a drill-down, an export, and
axe-core finds no WCAG 2.2 AA violation."""

import pytest

from referral_portal.roles import Role
from tests.confirmations.helpers import state_agency
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory
from tests.reports import dataset

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_filters_drills_down_and_exports(live_server, page, csp_violations):
    dataset.build()  # 2025 figures: the same whenever the test runs (every deadline has passed)
    supervisor = UserFactory(role=Role.STATE_SUPERVISOR, organization=state_agency())

    sign_in(page, live_server, supervisor)
    page.get_by_role("link", name="Statistics", exact=True).click()
    assert page.locator("h1").inner_text() == "Statistics"
    page.locator("summary", has_text="Filters").click()
    page.get_by_label("Period", exact=True).select_option("year")
    page.get_by_label("Year", exact=True).select_option("2025")
    page.get_by_label("County of residence", exact=True).select_option(label="Albany")
    page.get_by_role("button", name="Apply").click()

    loop = page.get_by_role("table", name="The closed loop")
    assert loop.is_visible()
    assert page.get_by_text("Not for release.").is_visible()
    assert_accessible(page, "statistics page")

    page.get_by_role(
        "link",
        name="1, open past deadline, Albany County Department of Social Services: list the cases",
    ).click()
    assert page.locator("h1").inner_text() == "Cases: No contact reported, past the deadline"
    assert page.get_by_role("cell", name="VC-TEST-R4").is_visible()
    assert page.get_by_role("cell", name="VC-TEST-R1", exact=True).count() == 0
    assert_accessible(page, "drill-down")

    page.get_by_role("link", name="Back to the statistics").click()
    with page.expect_download() as download:
        page.get_by_role(
            "link", name="CSV of The closed loop: what happened after confirmation"
        ).click()
    text = download.value.path().read_text(encoding="utf-8")
    assert "County of residence,Albany" in text and "fewer than 5" in text
    assert csp_violations == []


def test_a_district_opens_its_scorecard(live_server, page, csp_violations):
    data = dataset.build()
    albany = data.organizations["albany"]
    person = UserFactory(role=Role.RECEIVING_AGENCY, organization=albany)

    sign_in(page, live_server, person)
    page.get_by_role("link", name="Scorecard", exact=True).click()
    assert page.locator("h1").inner_text() == f"Scorecard: {albany.name}"
    page.locator("summary", has_text="Period").click()
    page.get_by_label("Year", exact=True).select_option("2025")
    page.get_by_role("button", name="Apply").click()
    table = page.get_by_role("table", name="Cases sent to you")
    assert table.get_by_role("row", name="Statewide").get_by_role("cell").first.inner_text() == "6"
    assert_accessible(page, "scorecard")
    assert csp_violations == []

"""In Chromium, what an administrator meets: the home page counts what waits (organizations to
verify, failed deliveries) and links to each list; a verified organization's page chooses no
decision for them; and a person whose access is paused is told so, and whom to ask, once they
give the right password. Every page passes axe (WCAG 2.2 AA), at desktop width and at 390 px."""

import pytest

from accounts import services
from accounts.models import Organization
from referral_portal.roles import Role
from routing.models import DeliveryState
from tests.accounts.reference_data import ensure_counties
from tests.e2e.axe import assert_accessible
from tests.e2e.layout import PHONE
from tests.e2e.signin import sign_in
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _administrator():
    ensure_counties()
    state_agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    return UserFactory(role=Role.ADMINISTRATOR, organization=state_agency)


def _no_page_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_administrator_sees_what_waits_and_decides_without_a_preselected_choice(
    live_server, page, csp_violations, viewport
):
    from tests.referral_portal.operations_data import delivery

    if viewport:
        page.set_viewport_size(viewport)
    administrator = _administrator()
    applied = OrganizationFactory(status=Organization.Status.APPLIED, verified_at=None)
    OrganizationFactory(status=Organization.Status.APPLIED, verified_at=None)
    delivery(DeliveryState.FAILED)
    verified = OrganizationFactory()

    sign_in(page, live_server, administrator)
    assert_accessible(page, "administrator's home")
    assert _no_page_scroll(page)
    page.get_by_role("link", name="2 organizations waiting for verification").click()
    assert page.get_by_label("Status").input_value() == "applied"
    assert page.get_by_role("link", name=applied.name).is_visible()
    assert page.get_by_role("link", name=verified.name).count() == 0
    assert_accessible(page, "organizations waiting for verification")
    page.go_back()
    page.get_by_role("link", name="1 failed delivery").click()
    assert page.get_by_label("Show").input_value() == "failed"
    assert page.locator("tbody tr").count() == 1
    assert_accessible(page, "failed deliveries")

    page.goto(f"{live_server.url}/organizations/{verified.public_id}/")
    suspend = page.get_by_label("Suspend")
    assert not suspend.is_checked()
    assert_accessible(page, "a verified organization")
    page.get_by_label("Reason").fill("Audit found a problem")
    page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert (
        "Choose what to do with this organization."
        in page.locator("#error_1_id_decision").inner_text()
    )
    assert_accessible(page, "decision with nothing chosen")
    verified.refresh_from_db()
    assert verified.status == Organization.Status.VERIFIED
    assert csp_violations == []


def test_a_deactivated_person_with_the_right_password_is_told_whom_to_ask(
    live_server, page, csp_violations
):
    administrator = _administrator()
    person = UserFactory()
    services.deactivate_person(person=person, actor=administrator, reason="Left the job")

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", person.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit]"
    ).click()

    main = page.locator("main").inner_text()
    assert "Your access is paused: your account was deactivated." in main
    assert "contact your organization's administrator" in main
    assert "The username or password is not right" not in main
    assert_accessible(page, "sign-in refused: access paused")
    assert csp_violations == []

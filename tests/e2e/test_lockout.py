"""In Chromium: five failed sign-ins pause the username and say what to do next; the
organization's administrator releases the lock from the person's page; the person gets in."""

import pytest

from referral_portal.roles import Role
from tests.accounts.reference_data import ensure_counties
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _fail(page, live_server, username):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", "definitely not the password")
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_locked_out_person_is_released_by_their_administrator(live_server, page, browser):
    ensure_counties()
    person = UserFactory()
    org_admin = UserFactory(role=Role.ORG_ADMIN, organization=person.organization)

    for _ in range(4):
        _fail(page, live_server, person.username)
        assert "The username or password is not right" in page.locator("main").inner_text()
    assert_accessible(page, "sign-in error")
    _fail(page, live_server, person.username)

    assert page.locator("h1").inner_text() == "Signing in is paused"
    assert "Wait 15 minutes" in page.locator("main").inner_text()
    assert_accessible(page, "lockout page")

    admin_context = browser.new_context()
    admin_page = admin_context.new_page()
    sign_in(admin_page, live_server, org_admin)
    admin_page.get_by_role("link", name="Your organization", exact=True).click()
    assert (
        admin_page.get_by_role("row", name=person.get_full_name())
        .get_by_text("Locked out")
        .is_visible()
    )
    admin_page.get_by_role("link", name=person.get_full_name()).click()
    assert_accessible(admin_page, "person page while locked out")
    admin_page.get_by_role("button", name="Release the lockout").click()
    assert "The lockout was released." in admin_page.locator(".portal-messages").inner_text()
    admin_context.close()

    sign_in(page, live_server, person)
    assert page.locator("h1").inner_text().startswith("Welcome")

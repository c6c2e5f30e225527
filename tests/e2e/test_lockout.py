"""In Chromium: after five failed sign-ins the next attempt for the username waits, and the
page says until when and what to do; the organization's administrator ends the pause from the
person's page; the person gets in at once."""

import pytest

from referral_portal.roles import Role
from tests.accounts.reference_data import ensure_counties
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WRONG_PASSWORD = "definitely not the password"


def _try(page, live_server, username, password=WRONG_PASSWORD):
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_paused_person_is_let_in_by_their_administrator(live_server, page, browser):
    ensure_counties()
    person = UserFactory()
    org_admin = UserFactory(role=Role.ORG_ADMIN, organization=person.organization)

    for _ in range(5):
        _try(page, live_server, person.username)
        assert "The username or password is not right" in page.locator("main").inner_text()
    assert_accessible(page, "sign-in error")
    _try(page, live_server, person.username, PASSWORD)

    assert page.locator("h1").inner_text() == "Sign in"
    main = page.locator("main").inner_text()
    assert "Signing in is paused" in main
    assert "Try again after" in main
    assert "The username or password is not right" not in main
    assert_accessible(page, "sign-in paused")

    admin_context = browser.new_context()
    admin_page = admin_context.new_page()
    sign_in(admin_page, live_server, org_admin)
    admin_page.get_by_role("link", name="Your organization", exact=True).click()
    assert (
        admin_page.get_by_role("row", name=person.get_full_name())
        .get_by_text("Sign-in paused")
        .is_visible()
    )
    admin_page.get_by_role("link", name=person.get_full_name()).click()
    assert_accessible(admin_page, "person page while sign-in is paused")
    admin_page.get_by_role("button", name="End the sign-in pause").click()
    assert "The sign-in pause was ended." in admin_page.locator(".portal-messages").inner_text()
    admin_context.close()

    sign_in(page, live_server, person)
    assert page.locator("h1").inner_text().startswith("Welcome")

"""In Chromium, with the idle limit shortened to 8 seconds: the warning appears a few seconds
before, can be reached and passes axe, "Stay signed in" keeps the session, and doing nothing
ends it on the server and lands on the sign-in page with an explanation."""

import pytest

from tests.accounts.reference_data import ensure_counties
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
IDLE, WARNING = 8, 5  # seconds: the warning shows 3 s after the last activity


@pytest.fixture
def short_sessions(settings):
    settings.SESSION_IDLE_TIMEOUT = IDLE
    settings.SESSION_IDLE_WARNING = WARNING


def test_the_idle_warning_offers_to_stay_and_the_session_ends_without_activity(
    live_server, page, short_sessions
):
    ensure_counties()
    user = UserFactory()
    sign_in(page, live_server, user)
    sessions_url = live_server.url + "/accounts/sessions/"

    dialog = page.locator("#idle-warning")
    dialog.wait_for(state="visible", timeout=(IDLE + 2) * 1000)
    assert page.get_by_role("alertdialog", name="Are you still there?").is_visible()
    assert page.evaluate("document.activeElement.id") == "idle-stay"
    assert_accessible(page, "idle warning")

    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    # Past the first limit counted from the page load, yet still signed in: the click counted.
    page.wait_for_timeout((IDLE - 1) * 1000)
    response = page.request.get(sessions_url, max_redirects=0)
    assert response.status == 200

    page.goto(live_server.url + "/")
    dialog.wait_for(state="visible", timeout=(IDLE + 2) * 1000)
    page.wait_for_url("**/accounts/login/**", timeout=(IDLE + 5) * 1000)

    assert page.locator("h1").inner_text() == "Sign in"
    assert "signed out after 8 seconds without activity" in page.locator("main").inner_text()
    assert_accessible(page, "signed out for inactivity")
    after = page.request.get(sessions_url, max_redirects=0)
    assert after.status == 302
    assert after.headers["location"].startswith("/accounts/login/")

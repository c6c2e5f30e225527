import pytest

from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/accessibility/", "/privacy/", "/accounts/login/"])
def test_public_pages_render_in_chromium_without_accessibility_violations(
    live_server, page, csp_violations, path
):
    page.goto(live_server.url + path)

    assert page.locator("text=1-888-373-7888").first.is_visible()
    page.wait_for_function("customElements.get('nys-unavheader') !== undefined")
    assert_accessible(page)
    assert csp_violations == []


def test_the_skip_link_moves_focus_to_the_main_content(live_server, page):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    skip = page.locator("a.portal-skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")

    assert page.evaluate("location.hash") == "#main-content"

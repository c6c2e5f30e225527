import pytest
from django.utils import translation

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


# Each public page in translation and its heading's English text (the catalogs' msgid).
TRANSLATED_PAGES = {
    "/": "New York State Victim Confirmation Referral Portal",
    "/accessibility/": "Accessibility",
    "/privacy/": "Privacy and system use",
}


@pytest.mark.parametrize("language, direction", [("es", "ltr"), ("ar", "rtl")])
@pytest.mark.parametrize("path", list(TRANSLATED_PAGES))
def test_translated_public_pages_have_no_accessibility_violations(
    live_server, page, csp_violations, path, language, direction
):
    with translation.override(language):
        heading = translation.gettext(TRANSLATED_PAGES[path])

    page.goto(f"{live_server.url}{path}?lang={language}")

    content = page.locator(f'div[lang="{language}"][dir="{direction}"]')
    assert content.get_by_role("heading", level=1, name=heading).is_visible()
    page.wait_for_function("customElements.get('nys-unavheader') !== undefined")
    assert_accessible(page, f"{path} in {language}")
    assert csp_violations == []


def test_the_switcher_changes_the_language_of_a_public_page(live_server, page):
    page.goto(live_server.url + "/privacy/")

    page.get_by_role("link", name="Español").click()

    assert page.get_by_role("heading", level=1, name="Privacidad y uso del sistema").is_visible()
    assert page.get_by_role("link", name="Español").get_attribute("aria-current") == "page"
    assert page.url.endswith("/privacy/?lang=es")

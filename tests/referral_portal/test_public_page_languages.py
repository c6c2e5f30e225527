"""The public pages a person or a benefits worker may open (home signed out, /accessibility/,
/privacy/) in English and the twelve languages of Executive Law 202-a, chosen with ?lang=; the
staff's pages stay English."""

import pytest
from django.utils import translation
from django.utils.html import escape

from referral_portal.roles import Role
from referrals.languages import NATIVE_NAMES, RIGHT_TO_LEFT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Each page and its heading's English text (the catalogs' msgid).
PAGES = {
    "/": "New York State Victim Confirmation Referral Portal",
    "/accessibility/": "Accessibility",
    "/privacy/": "Privacy and system use",
}


def _heading(language: str, english: str) -> str:
    with translation.override(language):
        return translation.gettext(english)


@pytest.mark.parametrize("language", list(NATIVE_NAMES))
@pytest.mark.parametrize("path", list(PAGES))
def test_each_public_page_is_translated_and_marked_with_its_language(client, path, language):
    heading = _heading(language, PAGES[path])

    response = client.get(path, {"lang": language})

    assert response.status_code == 200
    assert response["Content-Language"] == language
    body = response.content.decode()
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    assert f'<div lang="{language}" dir="{direction}">\n' in body
    assert f"<h1>{heading}</h1>" in body  # a literal's translation is not escaped
    # The catalog has the heading: a page in a language falls back to English only for English.
    assert (heading == PAGES[path]) is (language == "en")
    assert f'aria-current="page">{NATIVE_NAMES[language]}</a>' in body


@pytest.mark.parametrize("path", list(PAGES))
def test_an_unknown_language_shows_the_page_in_english(client, path):
    response = client.get(path, {"lang": "de"})

    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert '<div lang="en" dir="ltr">' in body and f"<h1>{PAGES[path]}</h1>" in body


def test_the_language_is_kept_in_the_query_string_only(client):
    spanish = client.get("/privacy/", {"lang": "es"})
    again = client.get("/privacy/")

    assert not spanish.cookies
    assert again["Content-Language"] == "en"
    assert "<h1>Privacy and system use</h1>" in again.content.decode()


def test_the_switcher_links_every_language_by_its_native_name(client):
    body = client.get("/accessibility/", {"lang": "ar"}).content.decode()

    for code, name in NATIVE_NAMES.items():
        assert f'<a href="?lang={code}" lang="{code}" hreflang="{code}" dir="auto"' in body
        assert f">{name}</a>" in body


def test_the_home_page_leads_to_the_verification_page_in_the_same_language(client):
    body = client.get("/", {"lang": "ko"}).content.decode()

    assert 'href="/verify/?lang=ko"' in body
    assert "<h2>주정부 통지서를 받으셨나요?</h2>" in body


def test_the_privacy_page_translates_the_system_use_notice(client):
    body = client.get("/privacy/", {"lang": "fr"}).content.decode()

    assert "<h2>Avis d'utilisation du système</h2>" in body
    assert "authorized use only" not in body


def test_the_signed_in_home_page_stays_english(client):
    user = UserFactory(role=Role.REFERRER)
    client.force_login(user)

    response = client.get("/", {"lang": "es"})

    body = response.content.decode()
    assert f"<h1>Welcome, {escape(user.first_name)}</h1>" in body
    assert 'lang="es" dir=' not in body and "portal-languages" not in body
    assert "<title>Home |" in body

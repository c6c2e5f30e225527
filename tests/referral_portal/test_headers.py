"""Response headers: CSP without inline code, frame denial, referrer and permissions policies,
HSTS and __Host- cookies with production's values, no-store for signed-in pages, and
Clear-Site-Data on every way out (ASVS V3.3, V3.4, V14.2.2, V14.3.1)."""

import re
import time
from pathlib import Path

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from referral_portal.roles import Role
from tests.conftest import ROOT
from tests.factories import UserFactory
from tests.security import production

pytestmark = pytest.mark.django_db


def _csp(response):
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("signed_in", [False, True])
def test_csp_allows_no_inline_script_or_style_element(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(role=Role.REFERRER))

    csp = _csp(client.get("/"))

    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    # Only attributes may be inline: NYSDS components set style="" (decision 0003).
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]


def test_framing_sniffing_referrer_and_features_are_denied(client):
    response = client.get("/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


# Templates may not carry inline code: scripts and styles come from static files only.
INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def _portal_templates():
    folders = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
    return [path for folder in folders for path in sorted(folder.rglob("*.html"))]


def test_no_template_carries_inline_code():
    offenders = []
    for path in _portal_templates():
        text = path.read_text()
        for pattern, what in INLINE_CODE:
            if pattern.search(text):
                offenders.append(f"{Path(path).relative_to(ROOT)}: {what}")
    assert _portal_templates(), "no templates found"
    assert offenders == []


@pytest.fixture
def production_headers():
    """Production's HSTS, SSL and cookie settings on top of the test settings."""
    values = production.settings_values()
    with override_settings(
        **{k: v for k, v in values.items() if k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    ):
        yield values


def test_production_sends_hsts_and_redirects_plain_http(client, production_headers):
    secure = client.get("/", secure=True)
    plain = client.get("/")

    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


def test_production_cookies_are_secure_host_only(client, production_headers):
    user = UserFactory(role=Role.REFERRER)
    client.get(reverse("account_login"), secure=True)
    client.force_login(user)
    client.get("/", secure=True)

    for name in ("__Host-csrftoken", "__Host-sessionid"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"]
        assert cookie["path"] == "/" and not cookie["domain"]
        assert cookie["samesite"] == "Lax"


def test_signed_in_pages_are_not_stored_and_public_ones_may_be(client):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(UserFactory(role=Role.REFERRER))

    assert client.get("/")["Cache-Control"] == "no-store"


def test_signing_out_clears_the_browser(client):
    client.force_login(UserFactory(role=Role.REFERRER))
    assert "Clear-Site-Data" not in client.get("/")

    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert response["Cache-Control"] == "no-store"
    assert "Clear-Site-Data" not in client.get("/")


def test_an_idle_timeout_clears_the_browser_too(client, settings):
    client.force_login(UserFactory(role=Role.REFERRER))
    client.get("/")

    later = time.time() + settings.SESSION_IDLE_TIMEOUT + 60
    with time_machine.travel(later, tick=False):
        response = client.get("/")

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "cookies", "storage"'

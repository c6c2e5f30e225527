"""In Chromium with a virtual authenticator (the DevTools WebAuthn domain): a state reviewer,
whose role needs a phishing-resistant second factor, is sent to add a security key after
signing in with an app code, adds one, signs out, and signs in with password and key; the app
code is no longer offered. axe reports nothing on the pages visited; no CSP violation.

WebAuthn needs a secure context whose host is a domain: browsers treat http://localhost as
secure, and an IP address is never a valid relying-party id, so the test uses localhost."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from accounts.models import Organization
from referral_portal.roles import Role
from tests.accounts.reference_data import ensure_counties
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import fresh_totp_code
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def _password_step(page, base, person) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", person.username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_a_state_reviewer_adds_a_security_key_and_signs_in_with_it(
    live_server, page, settings, csp_violations
):
    settings.MFA_REQUIRE_WEBAUTHN_FOR_ROLES = [Role.STATE_REVIEWER.value]
    ensure_counties()
    agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    reviewer = UserFactory(role=Role.STATE_REVIEWER, organization=agency)
    base = live_server.url.replace("127.0.0.1", "localhost")
    _virtual_authenticator(page)

    # 1. An app code still signs in while no key exists, but only to add one.
    _password_step(page, base, reviewer)
    assert page.locator("h1").inner_text() == "Enter your authenticator code"
    page.fill("input[name=code]", fresh_totp_code(reviewer.totp_secret))
    page.get_by_role("button", name="Continue", exact=True).click()
    assert page.locator("h1").inner_text() == "Add a security key or passkey"
    assert "Your role needs one" in page.locator(".portal-messages").inner_text()
    assert_accessible(page, "add a security key")
    page.goto(base + "/")
    assert page.locator("h1").inner_text() == "Add a security key or passkey"

    # 2. The browser's WebAuthn ceremony with the virtual key; the key is registered.
    page.get_by_label("Name").fill("Desk key")
    page.get_by_role("button", name="Add the key").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    # The first key also makes the recovery codes, shown once at this point.
    assert page.locator("h1").inner_text() == "Your recovery codes"
    assert Authenticator.objects.filter(user=reviewer, type="webauthn").count() == 1
    page.goto(base + reverse("mfa_list_webauthn"))
    assert page.get_by_role("row", name="Desk key").is_visible()
    assert_accessible(page, "security keys list")
    page.goto(base + "/")
    assert page.locator("h1").inner_text().startswith("Welcome")

    # 3. Sign out; sign in again with password and key. The app code is not offered.
    page.get_by_role("button", name="Sign out").first.click()
    _password_step(page, base, reviewer)
    assert page.locator("h1").inner_text() == "Use your security key or passkey"
    assert page.locator("input[name=code]").count() == 0
    assert_accessible(page, "sign in with a security key")
    # A code posted anyway is refused by the server, not only hidden.
    refused = page.request.post(
        base + reverse("mfa_authenticate"),
        form={
            "code": fresh_totp_code(reviewer.totp_secret),
            "csrfmiddlewaretoken": page.locator(
                "input[name=csrfmiddlewaretoken]"
            ).first.input_value(),
        },
        headers={"Referer": base + reverse("mfa_authenticate")},
        max_redirects=0,
    )
    assert refused.status == 200
    assert "for your role a code is not enough" in refused.text()
    page.reload()  # that answer started a new WebAuthn challenge in the session
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.locator("h1").inner_text().startswith("Welcome")
    assert csp_violations == []

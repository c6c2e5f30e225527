"""In Chromium: an organization applies, an administrator verifies it, the invited person
opens the e-mailed link, sets a password, enrols an authenticator (codes from pyotp) and
reaches the portal's home. Every page, error states included, passes axe (WCAG 2.2 AA)."""

import re

import pyotp
import pytest
from django.core import mail

from accounts.models import Organization
from referral_portal import tasks
from referral_portal.roles import Role
from tests.accounts.reference_data import ensure_counties
from tests.e2e.applications import send_application
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import fresh_totp_code, sign_in
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "juniper harbor lantern seventy"


@pytest.fixture
def no_broker(monkeypatch):
    """The outbox's fast path hands work to Celery; here the test delivers it itself, so a
    worker elsewhere cannot take the e-mail first."""
    monkeypatch.setattr(tasks.relay_outbox, "apply_async", lambda *args, **kwargs: None)


def test_an_organization_applies_is_verified_and_its_administrator_signs_in(
    live_server, page, csp_violations, no_broker, faker, drain_outbox
):
    ensure_counties()
    state_agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    administrator = UserFactory(role=Role.ADMINISTRATOR, organization=state_agency)
    organization_name = f"{faker.last_name()} Survivor Legal Services"
    applicant_email = faker.unique.email()

    # 1. The public application, first with nothing filled in.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name="apply for access").click()
    assert page.locator("h1").inner_text() == "Apply for access for your organization"
    assert_accessible(page, "application form")
    page.get_by_role("button", name="Send the application").click()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert page.title().startswith("Error:")
    assert_accessible(page, "application form with errors")

    send_application(page, faker, organization_name=organization_name, email=applicant_email)
    assert page.locator("h1").inner_text() == "Application received"
    assert_accessible(page, "application received")

    # 2. An administrator verifies it in the portal.
    sign_in(page, live_server, administrator)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organizations").click()
    assert_accessible(page, "organization list")
    page.get_by_role("link", name=organization_name).click()
    assert page.locator("h1").inner_text() == organization_name
    assert_accessible(page, "organization waiting for a decision")
    page.get_by_role("button", name="Record the decision").click()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert_accessible(page, "decision with errors")
    page.get_by_label("Verify").check()
    page.get_by_label("Reason").fill("Designation confirmed with OVS")
    page.get_by_role("button", name="Record the decision").click()
    assert f"{organization_name} is now verified." in page.locator(".portal-messages").inner_text()
    page.get_by_role("button", name="Sign out").first.click()

    # 3. The invitation e-mail: a link, nothing else about the person.
    drain_outbox("accounts.send_invitation", all_done=True)
    message = mail.outbox[-1]
    assert message.to == [applicant_email]
    assert organization_name not in message.body
    path = re.search(r"https?://[^/\s]+(/organizations/invitation/\S+/)", message.body).group(1)

    # 4. The invited person opens the link and chooses a password, first a too-short one.
    page.goto(live_server.url + path)
    assert page.locator("h1").inner_text() == "Open your account"
    assert "/invitation/" in page.url and path not in page.url  # the secret left the address
    assert_accessible(page, "open your account")
    # The username is assigned (initial, surname, four digits), not chosen: nothing to refuse.
    assert re.fullmatch(r"[a-z]+-[0-9]{4}", page.get_by_label("Your username").input_value())
    page.get_by_label("Choose a password").fill("too short")
    page.get_by_label("Type the password again").fill("too short")
    page.get_by_role("button", name="Open my account").click()
    assert "at least 15 characters" in page.locator("#id_password1_error").inner_text()
    assert_accessible(page, "open your account with a too-short password")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type the password again").fill(PASSWORD)
    page.get_by_role("button", name="Open my account").click()

    # 5. Authenticator set-up comes before anything else.
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    assert_accessible(page, "authenticator set-up")
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text() == "Set up your authenticator app"
    secret = page.locator("#authenticator-secret").inner_text().strip()
    page.get_by_label("Authenticator code").fill("000000")
    page.get_by_role("button", name="Finish setting up").click()
    assert "That code is not right" in page.locator("main").inner_text()
    assert_accessible(page, "authenticator set-up with a wrong code")
    assert page.locator("#authenticator-secret").inner_text().strip() == secret
    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Finish setting up").click()

    assert page.locator("h1").inner_text() == "Your recovery codes"
    assert page.locator(".accounts-codes li").count() == 10
    assert_accessible(page, "recovery codes")
    page.get_by_role("link", name="Continue to the portal").click()

    assert page.locator("h1").inner_text().startswith("Welcome")
    assert "at " + organization_name in page.locator("main").inner_text()
    assert_accessible(page, "home")
    assert pyotp.TOTP(secret).now().isdigit()
    assert csp_violations == []

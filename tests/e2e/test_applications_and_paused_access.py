"""Issue 17's administrator items that had no browser test, in Chromium at desktop width and at
390 px, with axe on every page: the apply form carries its form token once; an administrator
declines an application through the page and the applicant's e-mail gives the reason recorded;
a person whose organization is suspended and who gives the right password is told that access
is paused and whom to ask, every time, without counting toward a lockout."""

import pytest
from django.core import mail

from accounts import services
from accounts.models import Organization, SignInFailures
from referral_portal import tasks
from referral_portal.roles import Role
from tests.accounts.reference_data import ensure_counties
from tests.e2e.applications import send_application
from tests.e2e.axe import assert_accessible
from tests.e2e.layout import PHONE, assert_no_sideways_scroll
from tests.e2e.signin import send_password, sign_in
from tests.factories import OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORTS = pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
REASON = "The designation could not be found on the OVS list."
# More than the five failures after which a wrong password starts a pause.
ATTEMPTS = 7


@pytest.fixture
def no_broker(monkeypatch):
    """The test delivers the outbox itself, so that a worker elsewhere cannot take the e-mail."""
    monkeypatch.setattr(tasks.relay_outbox, "apply_async", lambda *args, **kwargs: None)


def fits(page, what):
    """axe finds nothing, and the page does not scroll sideways."""
    assert_no_sideways_scroll(page, what)
    assert_accessible(page, what)


def _administrator():
    state_agency = OrganizationFactory(
        kind=Organization.Kind.STATE_AGENCY, designating_agency="", designation_date=None
    )
    return UserFactory(role=Role.ADMINISTRATOR, organization=state_agency)


@VIEWPORTS
def test_an_application_is_declined_in_the_portal_and_the_email_gives_the_reason(
    live_server, page, csp_violations, no_broker, faker, drain_outbox, settings, viewport
):
    settings.PORTAL_SUPPORT_EMAIL = "referrals-support@example.ny.gov"
    if viewport:
        page.set_viewport_size(viewport)
    ensure_counties()
    administrator = _administrator()
    organization_name = f"{faker.last_name()} Survivor Legal Services"
    applicant_email = faker.unique.email()

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_role("link", name="apply for access").click()
    form = page.locator("main form[method=post]")
    assert form.count() == 1
    assert form.locator("input[name=csrfmiddlewaretoken]").count() == 1
    assert (
        page.locator("input[name=csrfmiddlewaretoken]").count()
        == page.locator("form[method=post]").count()
    )
    fits(page, "application form")
    send_application(page, faker, organization_name=organization_name, email=applicant_email)
    assert page.locator("h1").inner_text() == "Application received"
    fits(page, "application received")

    sign_in(page, live_server, administrator)
    page.get_by_role("link", name="1 organization waiting for verification").click()
    fits(page, "organizations waiting for verification")
    page.get_by_role("link", name=organization_name).click()
    assert page.locator("input[name=decision]:checked").count() == 0
    fits(page, "an organization waiting for a decision")
    page.get_by_label("Decline").check()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Record the decision").click()
    page.locator(".portal-messages").wait_for()
    fits(page, "a declined organization")
    assert Organization.objects.get(name=organization_name).status == Organization.Status.DECLINED

    drain_outbox("accounts.application_declined", all_done=True)
    [message] = [message for message in mail.outbox if message.to == [applicant_email]]
    assert f"The reason recorded by the State:\n{REASON}\n" in message.body
    assert "referrals-support@example.ny.gov" in message.body
    assert csp_violations == []


@VIEWPORTS
def test_the_right_password_in_a_suspended_organization_says_whom_to_ask(
    live_server, page, csp_violations, viewport
):
    if viewport:
        page.set_viewport_size(viewport)
    person = UserFactory()
    services.suspend_organization(
        organization=person.organization, actor=_administrator(), reason="Audit"
    )

    for attempt in range(ATTEMPTS):
        send_password(page, live_server, person)
        main = page.locator("main").inner_text()
        assert "Your access is paused: your organization's access to the portal is " in main, (
            attempt
        )
        assert "contact the Office of Temporary and Disability Assistance" in main
        assert "The username or password is not right" not in main
        assert "Signing in is paused" not in main
    fits(page, "sign-in refused: organization suspended")
    assert not SignInFailures.objects.filter(scope="username").exists()
    assert csp_violations == []


def test_a_person_whose_access_is_paused_sees_it_on_a_phone(live_server, page):
    """The deactivated person's page at 390 px (tests/e2e/test_admin_usability.py has it at
    desktop width)."""
    page.set_viewport_size(PHONE)
    person = UserFactory()
    services.deactivate_person(person=person, actor=_administrator(), reason="Left the job")
    send_password(page, live_server, person)
    assert "Your access is paused: your account was deactivated." in (
        page.locator("main").inner_text()
    )
    fits(page, "sign-in refused: account deactivated")
    assert not SignInFailures.objects.filter(scope="username").exists()

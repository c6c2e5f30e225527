"""A benefits worker checks a notice on /verify/ in Chromium by typing its code (no scanning)
and the person's date of birth, in English and in Spanish: the answer, a mismatch and a form
error, each with zero axe violations; and the page in every language has none either."""

import re
from datetime import timedelta

import pytest

from referrals.languages import NATIVE_NAMES
from referrals.models import NoticeKind
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CODE = re.compile(r"Verification code: ([0-9A-Z-]{19})")


def test_a_notice_is_verified_by_typing_its_code(live_server, page, csp_violations):
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)
    helpers.confirm(referral, reviewer)
    referral.refresh_from_db()
    notice = referral.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language="en")
    code = CODE.search(helpers.notice_text(notice)).group(1)

    page.goto(f"{live_server.url}/verify/")
    assert_accessible(page, "verification page")
    page.get_by_role("button", name="Check the notice").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page, "verification page with errors")

    page.get_by_label("Verification code").fill(code.lower())
    born = referral.date_of_birth + timedelta(days=1)
    page.get_by_label("The person's date of birth").fill(born.isoformat())
    page.get_by_role("button", name="Check the notice").click()
    assert page.get_by_role("heading", name="No notice matches").is_visible()
    assert_accessible(page, "verification page, no match")

    page.get_by_label("Verification code").fill(code)
    page.get_by_label("The person's date of birth").fill(referral.date_of_birth.isoformat())
    page.get_by_role("button", name="Check the notice").click()

    assert page.get_by_role("heading", name="This notice is genuine").is_visible()
    assert page.get_by_text(f"A notice with reference {referral.reference} was issued").is_visible()
    assert "verify" in page.url and code not in page.url
    assert referral.legal_name not in page.content()
    assert_accessible(page, "verification page, genuine notice")
    assert csp_violations == []


def test_a_notice_is_verified_in_spanish(live_server, page, csp_violations):
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer, preferred_language="es")
    helpers.decline(referral, reviewer)
    referral.refresh_from_db()
    notice = referral.notices.get(kind=NoticeKind.DECLINE, language="es")
    code = re.search(r"Código de verificación: ([0-9A-Z-]{19})", helpers.notice_text(notice))[1]

    page.goto(f"{live_server.url}/verify/")
    page.get_by_role("link", name="Español").click()
    page.get_by_label("Código de verificación").fill(code)
    page.get_by_label("Fecha de nacimiento de la persona").fill(referral.date_of_birth.isoformat())
    page.get_by_role("button", name="Verificar el aviso").click()

    assert page.get_by_role("heading", name="Este aviso es auténtico").is_visible()
    assert page.get_by_text("Rechazo", exact=True).is_visible()
    assert page.get_by_text("Sigue vigente.", exact=True).is_visible()
    assert page.locator('div[lang="es"]').count() == 1
    assert_accessible(page, "verification page in Spanish, genuine notice")
    assert csp_violations == []


@pytest.mark.parametrize("language", list(NATIVE_NAMES))
def test_the_page_has_no_accessibility_violations_in_any_language(live_server, page, language):
    page.goto(f"{live_server.url}/verify/?lang={language}")
    page.locator('form[action="/verify/"] button[type="submit"]').click()  # empty: errors

    assert page.locator(f'div[lang="{language}"] .review-error-summary').is_visible()
    assert_accessible(page, f"verification page with errors, {language}")

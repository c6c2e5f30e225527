"""An administrator's break-glass journey in Chromium: the queue shows reference numbers, the
case needs a recorded reason, a missing reason is an error next to the field, and with one the
case opens, saying until when. axe-core finds no WCAG 2.2 AA violation on any step."""

import re

import pytest

from access_log.models import AccessLog
from tests.confirmations import helpers
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_records_a_reason_and_opens_one_case(live_server, page, csp_violations):
    referral = helpers.submitted()
    administrator = helpers.administrator()

    sign_in(page, live_server, administrator)
    page.get_by_role("link", name="Review queue", exact=True).click()
    assert page.get_by_text("Opening a case needs a recorded reason").is_visible()
    assert page.get_by_text(referral.legal_name).count() == 0
    assert_accessible(page, "queue, administrator")

    page.get_by_role("link", name=referral.reference).click()
    assert page.locator("h1").inner_text() == f"Referral {referral.reference}"
    assert page.get_by_text(referral.legal_name).count() == 0
    assert_accessible(page, "break-glass page")

    page.get_by_role("button", name="Record the reason and open the case").click()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert re.match(r"^Error: ", page.title())
    assert page.locator("#error_1_id_reason").inner_text() == (
        "Enter the reason you must open this case."
    )
    assert page.locator("#error_1_id_purpose").inner_text() == "Choose the purpose."
    assert_accessible(page, "break-glass page with errors")

    page.get_by_label("A support incident reported about this referral").check()
    page.get_by_label("Reason").fill("Help desk ticket HD-4821: the consent form will not open.")
    page.get_by_role("button", name="Record the reason and open the case").click()

    assert page.locator("h1").inner_text() == f"Referral {referral.reference}"
    assert page.get_by_text(referral.legal_name).first.is_visible()
    assert page.get_by_text("Break-glass access until").is_visible()
    assert_accessible(page, "case page under break-glass access")
    assert csp_violations == []
    actions = AccessLog.objects.filter(user=administrator, referral_public_id=referral.public_id)
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        AccessLog.Action.BREAK_GLASS,
        AccessLog.Action.VIEW_REFERRAL,
    ]

"""The operator's page in Chromium: an administrator reaches it from the home page, it shows
the warnings, and axe-core finds no WCAG 2.2 AA violation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referral_portal.models import OutboxMessage, WorkerHeartbeat
from referral_portal.roles import Role
from tests.e2e.axe import assert_accessible
from tests.e2e.signin import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_administrator_opens_the_operations_page(live_server, page, csp_violations):
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker-a", pid=1, at=now - timedelta(minutes=3))
    OutboxMessage.objects.create(
        kind="portal.heartbeat", status="failed", available_at=now - timedelta(hours=1)
    )
    administrator = UserFactory(role=Role.ADMINISTRATOR)

    sign_in(page, live_server, administrator)
    page.get_by_role("link", name="Operations", exact=True).click()

    assert page.locator("h1").inner_text() == "Operations"
    assert page.get_by_text("No worker has recorded a heartbeat in the last 2 minutes").is_visible()
    assert page.get_by_text("1 outbox message failed after every try.").is_visible()
    assert page.get_by_role("table", name="Routing deliveries by state").is_visible()
    assert_accessible(page, "operations page")
    assert csp_violations == []

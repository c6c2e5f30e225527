"""The referrer's page and the reviewers' queue and case page say the same time left, from the
one computation in referral_portal.business_days: around the deadline, a weekend and a state
holiday."""

from datetime import datetime

import pytest
from django.urls import reverse

from referral_portal.business_days import NEW_YORK
from referrals.models import Referral
from tests.confirmations import helpers
from tests.referrals.builders import submitted

pytestmark = pytest.mark.django_db


def _ny(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("due", "now", "text"),
    [
        # Due at 5 p.m., seen at 7:30 p.m. the same day: overdue, not "0 days and 2 hours left".
        (_ny("2026-03-06", 17), _ny("2026-03-06", 19, 30), "Overdue by 2 hours"),
        (_ny("2026-03-06", 17), _ny("2026-03-06", 15), "Due today: 2 hours left"),
        # Due Monday, seen Friday after closing: the weekend does not count.
        (_ny("2026-03-09", 17), _ny("2026-03-06", 18), "1 business day left"),
        # Due the Wednesday before Thanksgiving, seen the Friday after: Thanksgiving not counted.
        (_ny("2026-11-25", 17), _ny("2026-11-27", 9), "Overdue by 1 business day"),
    ],
)
def test_the_referrer_and_the_reviewers_see_the_same_time_left(
    client, time_machine, due, now, text
):
    time_machine.move_to(now, tick=False)
    referral = submitted()
    Referral.objects.filter(pk=referral.pk).update(due_at=due)
    reviewer = helpers.reviewer()

    client.force_login(referral.created_by)
    referrer_page = client.get(reverse("referrals:detail", args=[referral.public_id])).text
    client.force_login(reviewer)
    queue = client.get(reverse("confirmations:queue")).text
    case = client.get(reverse("confirmations:case", args=[referral.public_id])).text

    for page in (referrer_page, queue, case):
        assert text in page

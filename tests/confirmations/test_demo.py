import pytest

from confirmations import demo
from confirmations.models import Decision
from referrals.models import Status
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def test_the_demo_confirms_one_of_the_waiting_referrals_once():
    reviewer = helpers.reviewer(username=demo.DEMO_REVIEWER)
    first, second = helpers.submitted(), helpers.submitted()

    demo.seed()
    demo.seed()

    [decision] = Decision.objects.all()
    assert decision.decided_by == reviewer and decision.referral == first
    second.refresh_from_db()
    assert second.status == Status.SUBMITTED
    assert first.deliveries.count() == 1


def test_the_demo_does_nothing_without_its_reviewer_or_referrals():
    helpers.submitted()
    demo.seed()
    helpers.reviewer(username=demo.DEMO_REVIEWER)
    demo.seed()  # a single referral stays in the queue

    assert not Decision.objects.exists()

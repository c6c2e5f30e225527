import pytest
from django.db import transaction

from referral_portal import outbox
from referral_portal.models import OutboxMessage
from routing import rules, services
from tests.routing.factories import confirmed_referral, district, receiving_user, reviewer


def drain(limit: int = 50) -> int:
    """Run every due outbox message in this process, as a worker would, until none is due.
    (The worker-process tests in test_worker.py run the same code in a real Celery worker.)"""
    ran = 0
    for _ in range(limit):
        with transaction.atomic():
            due = [str(pk) for pk in outbox.due_messages().values_list("pk", flat=True)]
        if not due:
            return ran
        for message_id in due:
            OutboxMessage.objects.filter(pk=message_id).update(status="dispatched")
            outbox.process(message_id)
            ran += 1
    raise AssertionError("the outbox never drained")


def route(referral, *, actor=None, appears_eligible=True, add_other=False):
    proposal = rules.propose_destinations(
        referral=referral,
        appears_eligible=appears_eligible,
        county=referral.county_of_residence,
        add_other=add_other,
    )
    with transaction.atomic():
        return services.route_confirmed_referral(
            referral=referral, destinations=proposal.allowed, actor=actor or reviewer()
        )


@pytest.fixture
def albany_case(db):
    """A confirmed Albany County referral routed to the district and delivered to the portal,
    with one receiving-agency user at the district."""
    referral = confirmed_referral()
    [delivery] = route(referral)
    drain()
    delivery.refresh_from_db()
    user = receiving_user(district().organization)
    return delivery, user

import pytest
from django.db import transaction

from routing import rules, services
from tests.outbox import drain
from tests.routing.factories import confirmed_referral, district, receiving_user, reviewer

__all__ = ["drain", "route"]  # scripts/bench_seed.py imports both from here


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

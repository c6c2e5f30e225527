import pytest
import time_machine

from referral_portal.roles import Role
from tests.confirmations.helpers import state_agency
from tests.factories import UserFactory
from tests.reports import dataset


@pytest.fixture
def pinned_clock():
    """Every figure that depends on "now" (open past the deadline) reads this moment."""
    with time_machine.travel(dataset.NOW, tick=False):
        yield dataset.NOW


@pytest.fixture
def data(db, pinned_clock):
    return dataset.build()


@pytest.fixture
def supervisor(db):
    return UserFactory(role=Role.STATE_SUPERVISOR, organization=state_agency())

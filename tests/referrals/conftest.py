import pytest

from tests.factories import UserFactory
from tests.referrals.builders import police_organization
from tests.storage import _private_storage  # noqa: F401 (autouse here and below)


@pytest.fixture
def police_referrer(db):
    return UserFactory(organization=police_organization())

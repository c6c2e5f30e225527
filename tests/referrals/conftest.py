import pytest

from tests.factories import UserFactory
from tests.referrals.builders import police_organization


@pytest.fixture
def police_referrer(db):
    return UserFactory(organization=police_organization())


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test stores its encrypted files in its own directory."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"

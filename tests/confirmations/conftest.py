import pytest

from tests.confirmations import helpers


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test stores its encrypted notices and files in its own directory."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


@pytest.fixture
def reviewer(db):
    return helpers.reviewer()


@pytest.fixture
def other_reviewer(db):
    return helpers.reviewer()


@pytest.fixture
def supervisor(db):
    return helpers.supervisor()


@pytest.fixture
def administrator(db):
    return helpers.administrator()

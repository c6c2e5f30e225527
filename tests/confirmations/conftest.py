import pytest

from tests.confirmations import helpers
from tests.storage import _private_storage  # noqa: F401 (autouse here and below)


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

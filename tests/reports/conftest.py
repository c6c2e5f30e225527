import pytest
import time_machine

from tests.reports import dataset


@pytest.fixture
def pinned_clock():
    """Every figure that depends on "now" (open past the deadline) reads this moment."""
    with time_machine.travel(dataset.NOW, tick=False):
        yield dataset.NOW


@pytest.fixture
def data(db, pinned_clock):
    return dataset.build()

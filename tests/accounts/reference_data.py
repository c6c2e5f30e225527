"""A guard for browser tests: the counties that a migration loads.

Transactional tests get them back through serialized rollback (tests/conftest.py), but the
saved copy hangs on the database connection object, and Playwright's sync API runs tests in
another context, where Django hands out a new connection object without it. When a
non-browser test set up the database first, every browser test after the first then finds
the counties gone. Until that is fixed where it belongs, these tests put them back.
"""

import pytest

from referral_portal.counties import COUNTIES
from referral_portal.models import County


@pytest.fixture
def counties(transactional_db):
    for fips, name in COUNTIES:
        County.objects.get_or_create(fips=fips, defaults={"name": name})

"""A guard for browser tests: the counties that a migration loads.

Transactional tests get them back through serialized rollback (tests/conftest.py), but the
saved copy hangs on the database connection object, and Playwright's sync API runs tests in
another context, where Django hands out a new connection object without it. When the database
was set up outside that context (a non-browser test ran first), every browser test after the
first finds the counties gone. Until that is fixed where it belongs, these tests put them back.
It is a plain function, called in the test body, so that it does not change the order in which
fixtures set up the database and the browser.
"""

from referral_portal.counties import COUNTIES
from referral_portal.models import County


def ensure_counties() -> None:
    for fips, name in COUNTIES:
        County.objects.get_or_create(fips=fips, defaults={"name": name})

"""Private storage for tests that write encrypted files (attachments, notices).

A conftest that wants it imports the fixture, which then applies to the tests below that
conftest only (`from tests.storage import _private_storage  # noqa: F401`). Tests that bring
their own storage (the S3 tests in tests/referral_portal) do not import it.
"""

import pytest


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test stores its encrypted notices and files in its own directory."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"

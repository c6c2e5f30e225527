import pytest


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test stores its encrypted files in its own directory."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"

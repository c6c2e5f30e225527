from tests.storage import _private_storage  # noqa: F401 (autouse here and below)

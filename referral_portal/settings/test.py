"""pytest: real PostgreSQL and Redis started by scripts/test.sh; e-mail kept in memory."""

from .dev import *  # noqa: F403

DEBUG = False
# Tests run with DEBUG off, as production does, on the development keys; the only settings
# allowed that combination (referral_portal/checks.py development_keys).
ALLOW_DEVELOPMENT_KEYS = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303 - tests only
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PRIVATE_STORAGE_ROOT = RUN_DIR / "test-private"  # noqa: F405
# The test webhook receiver listens on 127.0.0.1 (tests/routing/receiver.py); the tests of the
# refusal turn this off again.
ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True

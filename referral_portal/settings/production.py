"""Production: every secret must come from the environment; no defaults."""

from .base import *  # noqa: F403
from .base import BLIND_INDEX_KEYS, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# The address in e-mails and notices: no default can know it.
PORTAL_BASE_URL = env("PORTAL_BASE_URL")
FIELD_ENCRYPTION_KEYS = env.dict("FIELD_ENCRYPTION_KEYS")
FIELD_ENCRYPTION_ACTIVE_KEY = env("FIELD_ENCRYPTION_ACTIVE_KEY")
# One of the two forms (docs/key-rotation.md): BLIND_INDEX_KEYS with BLIND_INDEX_ACTIVE_KEY (read
# in base.py), or the single BLIND_INDEX_KEY, which may stay beside the keys until the indexes
# are rebuilt.
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="") if BLIND_INDEX_KEYS else env("BLIND_INDEX_KEY")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
MAILERS["default"]["OPTIONS"]["use_tls"] = env.bool("EMAIL_USE_TLS", default=True)  # noqa: F405

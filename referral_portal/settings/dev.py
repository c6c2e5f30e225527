"""Local development: `make run`. Plain HTTP on loopback, fixed development-only keys."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env(
    "SECRET_KEY", default="dev-only-secret-key-not-for-production-use-0123456789abcdef"
)
FIELD_ENCRYPTION_KEYS = env.dict(
    "FIELD_ENCRYPTION_KEYS", default={"dev1": "ZGV2LW9ubHktZmllbGQtZW5jcnlwdGlvbi1rZXktMSE="}
)
FIELD_ENCRYPTION_ACTIVE_KEY = env("FIELD_ENCRYPTION_ACTIVE_KEY", default="dev1")
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default="ZGV2LW9ubHktYmxpbmQtaW5kZXgtaG1hYy1rZXktMDE=")
# Served over plain HTTP on loopback, so cookies cannot carry Secure or the __Host- prefix here.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

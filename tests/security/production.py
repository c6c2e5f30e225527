"""The production settings module, loaded in a child process with throwaway secrets (it refuses
to start without them), so tests can assert on the values production really uses."""

import base64
import functools
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

NAMES = (
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
    "SESSION_COOKIE_PATH",
    "CSRF_COOKIE_PATH",
    "X_FRAME_OPTIONS",
    "DEBUG",
)
_PRINT = (
    "import json\nfrom django.conf import settings as s\n"
    f"print(json.dumps({{n: getattr(s, n) for n in {NAMES!r}}}))"
)


def key(size: int = 32) -> str:
    return base64.urlsafe_b64encode(os.urandom(size)).decode()


def environment() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="referral_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="referrals.example.ny.gov,testserver",
        PORTAL_BASE_URL="https://referrals.example.ny.gov",
        FIELD_ENCRYPTION_KEYS=f"k1={key()}",
        FIELD_ENCRYPTION_ACTIVE_KEY="k1",
        BLIND_INDEX_KEY=key(),
    )
    return env


@functools.cache
def settings_values() -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _PRINT],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values

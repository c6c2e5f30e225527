"""Local development: `make run`. Plain HTTP on loopback, fixed development-only keys.

DEBUG is on unless the environment says otherwise: the development keys and the demo accounts
(seed_demo) are refused with DEBUG off, so that these settings cannot quietly serve as a
deployment's.
"""

from . import development_keys
from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default=development_keys.SECRET_KEY)
FIELD_ENCRYPTION_KEYS = env.dict(
    "FIELD_ENCRYPTION_KEYS", default=development_keys.FIELD_ENCRYPTION_KEYS
)
FIELD_ENCRYPTION_ACTIVE_KEY = env(
    "FIELD_ENCRYPTION_ACTIVE_KEY", default=development_keys.FIELD_ENCRYPTION_ACTIVE_KEY
)
BLIND_INDEX_KEY = env("BLIND_INDEX_KEY", default=development_keys.BLIND_INDEX_KEY)
# Links in e-mails and notices point at the port this portal is served on (scripts/run.sh
# exports PORT), so `PORT=8001 make run` does not write links to another portal on 8000.
PORTAL_BASE_URL = env(
    "PORTAL_BASE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
)
# The demo accounts and most tests sign state staff in with app codes; production requires a
# security key for them (base.py). Set e.g. "state_reviewer,administrator" to try it locally.
MFA_REQUIRE_WEBAUTHN_FOR_ROLES = env.list("MFA_REQUIRE_WEBAUTHN_FOR_ROLES", default=[])
# Served over plain HTTP on loopback, so cookies cannot carry Secure or the __Host- prefix here.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

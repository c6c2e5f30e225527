"""Every process names its settings: there is no fallback.

A fallback to the development settings would let a production process that lost its
environment start on the public development keys with DEBUG on. manage.py, wsgi.py and the
Celery app (celery.py, which every import of this package loads) call `require` first.
"""

import os

from django.core.exceptions import ImproperlyConfigured

MESSAGE = (
    "DJANGO_SETTINGS_MODULE is not set. Use referral_portal.settings.production in "
    "production and referral_portal.settings.dev on a developer's machine (make run sets it)."
)


def require() -> str:
    module = os.environ.get("DJANGO_SETTINGS_MODULE", "").strip()
    if not module:
        raise ImproperlyConfigured(MESSAGE)
    return module

"""The gettext catalogs the notices are translated from, and whether each is certified.

One catalog per language in locale/<locale>/LC_MESSAGES/django.po (compiled to django.mo, both
committed), so that a certified translator can review and replace the words without touching
code. Each catalog's header records its review status:

    X-Translation-Status: draft, not certified
    X-Translation-Status: certified by <translator or agency>, <date>

A notice from a catalog that is not certified says so in small print, in both languages.
"""

import functools
import gettext
from pathlib import Path

from django.conf import settings
from django.utils.translation import to_locale

DOMAIN = "django"
STATUS_HEADER = "x-translation-status"  # gettext lower-cases header names


def catalog_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


@functools.cache
def status(language: str) -> str:
    """The review status recorded in the language's compiled catalog ("" without one)."""
    try:
        catalog = gettext.translation(DOMAIN, catalog_dir(), languages=[to_locale(language)])
    except OSError:
        return ""
    return catalog.info().get(STATUS_HEADER, "").strip()


def is_certified(language: str) -> bool:
    return status(language).lower().startswith("certified")

"""The portal's own system checks (referral_portal/checks.py) catch what `check --deploy` does
not: each test removes one protection and expects its check to fire."""

import subprocess
import sys
from copy import deepcopy

import pytest
from django.conf import settings
from django.core.checks import run_checks

from referral_portal import checks
from tests.conftest import ROOT
from tests.security import production


def _key(size=32):
    return production.key(size)


def _ids(problems):
    return {problem.id for problem in problems}


def test_the_test_settings_pass_the_key_checks():
    assert checks.encryption_keys(None) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"FIELD_ENCRYPTION_ACTIVE_KEY": "missing"}, "portal.E001"),
        (
            {"FIELD_ENCRYPTION_KEYS": {"k1": _key(16)}, "FIELD_ENCRYPTION_ACTIVE_KEY": "k1"},
            "portal.E002",
        ),
        (
            {"FIELD_ENCRYPTION_KEYS": {"k1": "not base64!"}, "FIELD_ENCRYPTION_ACTIVE_KEY": "k1"},
            "portal.E002",
        ),
        ({"BLIND_INDEX_KEY": _key(16)}, "portal.E003"),
        ({"BLIND_INDEX_KEY": ""}, "portal.E003"),
    ],
)
def test_missing_or_short_keys_are_errors(settings, changes, expected):
    for name, value in changes.items():
        setattr(settings, name, value)

    assert expected in _ids(checks.encryption_keys(None))


def test_keys_must_be_distinct(settings):
    shared = _key()
    settings.FIELD_ENCRYPTION_KEYS = {"k1": shared}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "k1"
    settings.BLIND_INDEX_KEY = shared

    assert "portal.E004" in _ids(checks.encryption_keys(None))


@pytest.fixture
def production_like(settings):
    """The test settings with production's cookie names: deployment_policies then passes."""
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.CSRF_COOKIE_NAME = "__Host-csrftoken"
    assert checks.deployment_policies(None) == []
    return settings


def _without(middleware):
    return [m for m in settings.MIDDLEWARE if m != middleware]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        (
            "MIDDLEWARE",
            _without("django.middleware.csp.ContentSecurityPolicyMiddleware"),
            "portal.E010",
        ),
        ("SECURE_CSP", {}, "portal.E011"),
        ("SESSION_COOKIE_NAME", "sessionid", "portal.W012"),
        ("CSRF_COOKIE_NAME", "csrftoken", "portal.W013"),
        ("SESSION_IDLE_TIMEOUT", 0, "portal.E014"),
        ("SESSION_IDLE_TIMEOUT", 31 * 60, "portal.E014"),
        ("SESSION_ABSOLUTE_TIMEOUT", 13 * 3600, "portal.E015"),
        ("MIDDLEWARE", _without("accounts.middleware.MandatoryMFAMiddleware"), "portal.E016"),
        (
            "CACHES",
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "portal.E017",
        ),
        ("MFA_TOTP_INSECURE_BYPASS_CODE", "000000", "portal.E018"),
        ("MIDDLEWARE", _without("referral_portal.middleware.NoStoreMiddleware"), "portal.E019"),
        ("MIDDLEWARE", _without("referral_portal.access.AccessRuleMiddleware"), "portal.E020"),
        (
            "MIDDLEWARE",
            _without("referral_portal.middleware.ClearSiteDataOnLogoutMiddleware"),
            "portal.E021",
        ),
        (
            "MIDDLEWARE",
            _without("referral_portal.middleware.HistoryContextMiddleware"),
            "portal.E022",
        ),
        (
            "DEFAULT_EXCEPTION_REPORTER_FILTER",
            "django.views.debug.SafeExceptionReporterFilter",
            "portal.E027",
        ),
    ],
)
def test_each_removed_protection_is_reported(production_like, name, value, expected):
    setattr(production_like, name, value)

    assert expected in _ids(checks.deployment_policies(None))


@pytest.mark.parametrize(
    ("directive", "sources", "expected"),
    [
        ("script-src", ["'self'", "'unsafe-inline'"], "portal.E023"),
        ("script-src", ["'self'", "'unsafe-eval'"], "portal.E023"),
        ("style-src", ["'self'", "'unsafe-inline'"], "portal.E024"),
        ("object-src", ["'self'"], "portal.E025"),
        ("frame-ancestors", ["'self'"], "portal.E025"),
        ("base-uri", [], "portal.E025"),
    ],
)
def test_a_weakened_csp_is_reported(production_like, directive, sources, expected):
    production_like.SECURE_CSP = {**settings.SECURE_CSP, directive: sources}

    assert expected in _ids(checks.deployment_policies(None))


def test_a_log_handler_without_redaction_is_reported(production_like):
    logging = deepcopy(settings.LOGGING)
    logging["handlers"]["file"] = {"class": "logging.FileHandler", "filename": "/dev/null"}
    production_like.LOGGING = logging

    assert "portal.E026" in _ids(checks.deployment_policies(None))


def test_the_checks_are_registered_for_deployment(settings):
    settings.SECURE_CSP = {}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "missing"

    ids = _ids(run_checks(include_deployment_checks=True))

    assert {"portal.E001", "portal.E011"} <= ids
    assert "portal.E011" not in _ids(run_checks())  # deployment-only, as documented


def test_production_settings_pass_check_deploy_at_warning_level():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production.environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def production_settings():
    return production.settings_values()


def test_production_uses_hsts_secure_host_cookies_and_no_debug(production_settings):
    values = production_settings
    assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and values["SECURE_HSTS_PRELOAD"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    # __Host- cookies are only accepted with Path=/ and no Domain.
    assert values["SESSION_COOKIE_DOMAIN"] is None and values["CSRF_COOKIE_DOMAIN"] is None
    assert values["SESSION_COOKIE_PATH"] == "/" and values["CSRF_COOKIE_PATH"] == "/"
    assert values["SESSION_COOKIE_HTTPONLY"] and values["SESSION_COOKIE_SAMESITE"] in {
        "Lax",
        "Strict",
    }
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["DEBUG"] is False

"""System checks for what `check --deploy` does not cover (reference/security.md section 2)."""

import base64
import binascii

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


def _key_bytes(value):
    try:
        return base64.urlsafe_b64decode(value)
    except (binascii.Error, ValueError, TypeError):
        return b""


@register(Tags.security)
def encryption_keys(app_configs, **kwargs):
    errors = []
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", {}) or {}
    active = getattr(settings, "FIELD_ENCRYPTION_ACTIVE_KEY", "")
    blind = getattr(settings, "BLIND_INDEX_KEY", "")
    if active not in keys:
        errors.append(Error("FIELD_ENCRYPTION_ACTIVE_KEY names no key", id="portal.E001"))
    for key_id, value in keys.items():
        if len(_key_bytes(value)) != 32:
            errors.append(Error(f"Encryption key {key_id} is not 32 bytes", id="portal.E002"))
    if len(_key_bytes(blind)) < 32:
        errors.append(Error("BLIND_INDEX_KEY must be at least 32 bytes", id="portal.E003"))
    secrets = [settings.SECRET_KEY, blind, *keys.values()]
    if len(set(secrets)) != len(secrets):
        errors.append(
            Error("SECRET_KEY, BLIND_INDEX_KEY and encryption keys must differ", id="portal.E004")
        )
    return errors


@register(Tags.security, deploy=True)
def deployment_policies(app_configs, **kwargs):
    problems = []
    if "django.middleware.csp.ContentSecurityPolicyMiddleware" not in settings.MIDDLEWARE:
        problems.append(Error("The CSP middleware is not installed", id="portal.E010"))
    if not getattr(settings, "SECURE_CSP", None):
        problems.append(Error("SECURE_CSP is empty", id="portal.E011"))
    if not settings.SESSION_COOKIE_NAME.startswith("__Host-"):
        problems.append(Warning("Session cookie lacks the __Host- prefix", id="portal.W012"))
    if not settings.CSRF_COOKIE_NAME.startswith("__Host-"):
        problems.append(Warning("CSRF cookie lacks the __Host- prefix", id="portal.W013"))
    if not 0 < getattr(settings, "SESSION_IDLE_TIMEOUT", 0) <= 30 * 60:
        problems.append(Error("SESSION_IDLE_TIMEOUT must be 1..1800 seconds", id="portal.E014"))
    if not 0 < getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", 0) <= 12 * 3600:
        problems.append(Error("SESSION_ABSOLUTE_TIMEOUT must be at most 12 h", id="portal.E015"))
    if "accounts.middleware.MandatoryMFAMiddleware" not in settings.MIDDLEWARE:
        problems.append(Error("Mandatory MFA middleware is missing", id="portal.E016"))
    if "LocMem" in settings.CACHES["default"]["BACKEND"]:
        problems.append(Error("A shared cache is needed (TOTP replay, limits)", id="portal.E017"))
    if getattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE", None):
        problems.append(Error("MFA_TOTP_INSECURE_BYPASS_CODE must not be set", id="portal.E018"))
    return problems

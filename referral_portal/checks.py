"""System checks for what `check --deploy` does not cover: our own security settings and keys."""

import base64
import binascii

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from . import crypto
from .settings.development_keys import ALL as DEVELOPMENT_KEYS


def _key_bytes(value):
    try:
        return base64.urlsafe_b64decode(value)
    except (binascii.Error, ValueError, TypeError):
        return b""


@register(Tags.security)
def encryption_keys(app_configs, **kwargs):
    errors = []
    keys = settings.FIELD_ENCRYPTION_KEYS or {}
    active = settings.FIELD_ENCRYPTION_ACTIVE_KEY
    blind_keys = crypto.blind_index_keys()
    if active not in keys:
        errors.append(Error("FIELD_ENCRYPTION_ACTIVE_KEY names no key", id="portal.E001"))
    for key_id, value in keys.items():
        if len(_key_bytes(value)) != 32:
            errors.append(Error(f"Encryption key {key_id} is not 32 bytes", id="portal.E002"))
    if not blind_keys or any(len(_key_bytes(value)) < 32 for value in blind_keys.values()):
        message = "BLIND_INDEX_KEY (or each of BLIND_INDEX_KEYS) must be at least 32 bytes"
        errors.append(Error(message, id="portal.E003"))
    errors.extend(_blind_index_key_ids())
    secrets = [settings.SECRET_KEY, *blind_keys.values(), *keys.values()]
    if len(set(secrets)) != len(secrets):
        errors.append(
            Error("SECRET_KEY, BLIND_INDEX_KEY and encryption keys must differ", id="portal.E004")
        )
    return errors


def _blind_index_key_ids():
    """BLIND_INDEX_KEYS, when set, names the active key; its ids fit the blind_index_key column."""
    named = settings.BLIND_INDEX_KEYS or {}
    if not named:
        return []
    errors = []
    if settings.BLIND_INDEX_ACTIVE_KEY not in named:
        errors.append(Error("BLIND_INDEX_ACTIVE_KEY names no key", id="portal.E006"))
    if not all(crypto.BLIND_INDEX_KEY_ID.fullmatch(key_id) for key_id in named):
        errors.append(
            Error("Blind-index key ids are 1-16 letters, digits, - or _", id="portal.E007")
        )
    return errors


@register(Tags.security)
def development_keys(app_configs, **kwargs):
    """The development keys are public (settings/development_keys.py): with DEBUG off this is
    a deployment, and every key must be its own. Runs on every command (migrate, runserver,
    check), not only `check --deploy`. The test settings alone may say ALLOW_DEVELOPMENT_KEYS."""
    if settings.DEBUG or settings.ALLOW_DEVELOPMENT_KEYS:
        return []
    keys = settings.FIELD_ENCRYPTION_KEYS or {}
    in_use = {settings.SECRET_KEY, *crypto.blind_index_keys().values(), *keys.values()}
    if in_use & DEVELOPMENT_KEYS:
        return [
            Error(
                "A development key is in use while DEBUG is off",
                hint="Set SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY to new values.",
                id="portal.E005",
            )
        ]
    return []


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
    for middleware, check_id in REQUIRED_MIDDLEWARE.items():
        if middleware not in settings.MIDDLEWARE:
            problems.append(Error(f"{middleware} is not installed", id=check_id))
    problems.extend(_csp_problems(getattr(settings, "SECURE_CSP", None) or {}))
    problems.extend(_logging_problems())
    return problems


# Middleware that carries a protection the portal relies on (docs/security.md).
REQUIRED_MIDDLEWARE = {
    "referral_portal.middleware.NoStoreMiddleware": "portal.E019",
    "referral_portal.access.AccessRuleMiddleware": "portal.E020",
    "referral_portal.middleware.ClearSiteDataOnLogoutMiddleware": "portal.E021",
    "referral_portal.middleware.HistoryContextMiddleware": "portal.E022",
}
_INLINE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}


def _csp_problems(csp):
    """No inline or evaluated script, no inline <style>, no plugins, no framing, no <base>.
    style-src-attr may allow inline attributes: docs/decisions/0003-csp-and-nysds.md."""
    problems = []
    scripts = set(csp.get("script-src", csp.get("default-src", [])))
    styles = set(csp.get("style-src", csp.get("default-src", [])))
    if not scripts or scripts & _INLINE:
        problems.append(Error("CSP script-src must not allow inline or eval", id="portal.E023"))
    if not styles or styles & _INLINE:
        problems.append(Error("CSP style-src must not allow inline <style>", id="portal.E024"))
    for directive in ("object-src", "frame-ancestors", "base-uri"):
        if list(csp.get(directive, [])) != ["'none'"]:
            problems.append(Error(f"CSP {directive} must be 'none'", id="portal.E025"))
    return problems


def _logging_problems():
    """Every configured log handler redacts personal data, and error reports hide requests."""
    problems = []
    logging = getattr(settings, "LOGGING", {}) or {}
    filters = logging.get("filters", {})
    redacting = {
        name
        for name, spec in filters.items()
        if spec.get("()") == "referral_portal.logging.RedactPersonalDataFilter"
    }
    for name, handler in logging.get("handlers", {}).items():
        if not redacting & set(handler.get("filters", [])):
            problems.append(
                Error(f"Log handler {name!r} has no redaction filter", id="portal.E026")
            )
    reporter = getattr(settings, "DEFAULT_EXCEPTION_REPORTER_FILTER", "")
    if reporter != "referral_portal.logging.PortalExceptionReporterFilter":
        problems.append(Error("Error reports would show request data", id="portal.E027"))
    return problems

"""Phishing-resistant sign-in for the roles that need it (MFA_REQUIRE_WEBAUTHN_FOR_ROLES).

A code from an authenticator app can be typed into a fake site and replayed at once; a
security key or passkey (WebAuthn) signs the real site's name and cannot. People in these roles
must register a key (accounts.middleware.MandatoryMFAMiddleware) and, once they have one, sign
in with it: their app and recovery codes are refused at sign-in (accounts.forms).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings


def security_key_required(user) -> bool:
    return getattr(user, "role", None) in settings.MFA_REQUIRE_WEBAUTHN_FOR_ROLES


def has_security_key(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).exists()


def must_sign_in_with_security_key(user) -> bool:
    return security_key_required(user) and has_security_key(user)

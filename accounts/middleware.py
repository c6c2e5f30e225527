"""Session limits and mandatory MFA, enforced on the server for every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect, resolve_url
from django.urls import resolve
from django.urls.exceptions import Resolver404
from django.utils.http import urlencode

from .activity import (
    SESSION_LAST_SEEN,
    SESSION_STARTED,
    idle_seconds_left,
    mfa_state,
    record_activity,
)
from .security_keys import security_key_required

SIGNED_OUT_PARAM = "signed_out"

# What a signed-in person without MFA may reach: enrolment itself and the way out. Enrolment
# asks for the password again when the sign-in is more than ACCOUNT_REAUTHENTICATION_TIMEOUT
# old, so that page must be reachable too or the two would send the person round in a loop.
MFA_ENROLMENT_URLS = frozenset(
    {
        "mfa_activate_totp",
        "account_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_index",
        "account_logout",
        "session_keepalive",
        "healthz",
        "accessibility",
        "privacy",
    }
)
# What a person whose role needs a security key (accounts/security_keys.py) may reach before
# registering one. Adding a key asks for re-authentication too, by app code or password.
SECURITY_KEY_ENROLMENT_URLS = MFA_ENROLMENT_URLS | {
    "mfa_add_webauthn",
    "mfa_reauthenticate",
    "mfa_reauthenticate_webauthn",
}
# Requests that do not count as activity (status polling would keep a session alive forever).
PASSIVE_URLS = frozenset({"healthz"})


def _url_name(request) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


class SessionPolicyMiddleware:
    """15 minutes idle or 12 hours in all ends the session (CJIS AC-11, AC-12, IA-11)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            last_seen = session.get(SESSION_LAST_SEEN, now)
            if now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                return self._end(request, "absolute")
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT:
                return self._end(request, "idle")
            if _url_name(request) not in PASSIVE_URLS:
                # Once a minute, or on any request that may write (accounts.activity).
                record_activity(request, now, always=request.method not in ("GET", "HEAD"))
            request.idle_seconds_left = idle_seconds_left(request, now)  # for the page's warning
        return self.get_response(request)

    def _end(self, request, why: str):
        # Why the person was signed out travels in the address, not in a message: sign-out
        # responses carry Clear-Site-Data, which also wipes the cookies a message would use.
        logout(request)
        return redirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({SIGNED_OUT_PARAM: why})}")


class MandatoryMFAMiddleware:
    """A signed-in person with no second factor can only enrol one (ASVS V6.3.3); a person
    whose role needs a phishing-resistant one (MFA_REQUIRE_WEBAUTHN_FOR_ROLES) can only add a
    security key or passkey until they have one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or request.path_info.startswith(settings.STATIC_URL):
            return self.get_response(request)
        url_name = _url_name(request)
        if url_name in MFA_ENROLMENT_URLS:
            return self.get_response(request)
        has = mfa_state(request, int(time.time()))
        if not has["mfa"]:
            messages.info(
                request, "Set up your authenticator app to finish signing in. It is required."
            )
            return redirect("mfa_activate_totp")
        if (
            url_name not in SECURITY_KEY_ENROLMENT_URLS
            and security_key_required(user)
            and not has["key"]
        ):
            messages.info(
                request,
                "Add a security key or passkey to finish signing in. Your role needs one: "
                "unlike a code, it cannot be phished.",
            )
            return redirect("mfa_add_webauthn")
        return self.get_response(request)

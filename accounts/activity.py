"""What a signed-in request records about itself, at most once a minute (issue 13).

Every signed-in request used to write twice: the idle-timeout clock in the session row and
allauth's "last seen" in the UserSession row. A 15-minute idle limit does not need a clock
finer than a minute, so both are written once per ACTIVITY_INTERVAL (a fifteenth of the idle
limit: 60 seconds for 15 minutes) and a read-only request in between writes nothing. The page
tells the browser how much idle time is really left (idle_seconds_left), so its warning and
the server agree although the recorded time may be up to an interval old.

Whether the person has a second factor, and a security key, is kept in the session for the same
interval: the middleware asks on every request, the answer changes rarely, and an administrator's
reset of a person's authenticator ends their sessions anyway (accounts.services).
"""

import hashlib

from allauth.account.adapter import get_adapter
from allauth.mfa.utils import is_mfa_enabled
from allauth.usersessions.models import UserSession
from django.conf import settings

from .security_keys import has_security_key, security_key_required

SESSION_STARTED = "portal_started_at"
SESSION_LAST_SEEN = "portal_last_seen_at"
SESSION_CLIENT = "portal_client"
SESSION_MFA = "portal_mfa"


def activity_interval() -> int:
    return settings.SESSION_IDLE_TIMEOUT // 15


def record_activity(request, now: int, *, always: bool = False) -> None:
    """Move the idle clock to `now` when it is an interval old (or `always`, for a request that
    writes anyway), and then allauth's record of the session too. A new address or browser is
    recorded at once: allauth signals that change."""
    session = request.session
    last_seen = session.get(SESSION_LAST_SEEN)
    client = _client_digest(request)
    due = always or last_seen is None or now - last_seen >= activity_interval()
    if not due and session.get(SESSION_CLIENT) == client:
        return
    session[SESSION_LAST_SEEN] = now
    session[SESSION_CLIENT] = client
    if session.session_key:
        UserSession.objects.create_from_request(request, user=request.user, session=session)


def idle_seconds_left(request, now: int) -> int:
    last_seen = request.session.get(SESSION_LAST_SEEN, now)
    return max(0, settings.SESSION_IDLE_TIMEOUT - (now - last_seen))


def _client_digest(request) -> str:
    # A digest, not the address itself: the session row holds no more about the person's
    # network than it needs to notice a change.
    seen = f"{get_adapter().get_client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return hashlib.sha256(seen.encode()).hexdigest()[:16]


def mfa_state(request, now: int) -> dict:
    """{"mfa": bool, "key": bool}: a second factor, and (where the role needs one) a security
    key or passkey. Kept for an interval only once the person has all they need, so enrolling
    takes effect on the very next request."""
    cached = request.session.get(SESSION_MFA)
    if cached and now - cached["at"] < activity_interval():
        return cached
    user = request.user
    needs_key = security_key_required(user)
    state = {"at": now, "mfa": is_mfa_enabled(user)}
    state["key"] = state["mfa"] and needs_key and has_security_key(user)
    if state["mfa"] and (state["key"] or not needs_key):
        request.session[SESSION_MFA] = state
    return state

"""Usernames are assigned by the portal when an invitation is accepted, never chosen.

A chosen username has to be refused when someone else already has it, and that refusal tells
the person choosing that the account exists (ASVS V6.3.8); with sign-in delays counted per
username, a list of real usernames is also a list of people to slow down. So the portal picks:
the invitee's initial and surname (easy to remember) and four digits from a keyed hash of the
invitation. When that name is taken the next keyed candidate is used; the invitee sees only the
result and, without the key, cannot tell whether a candidate was skipped.
"""

import hashlib
import hmac
import re
import unicodedata

from referral_portal import crypto

from .models import Invitation, User

MAX_STEM = 20


def _stem(invitation: Invitation) -> str:
    text = f"{invitation.first_name[:1]}{invitation.last_name}"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_text.lower())[:MAX_STEM] or "user"


def _digits(invitation: Invitation, attempt: int) -> str:
    key = crypto.keyed_hash_key("invitation-username")
    digest = hmac.new(key, f"{invitation.public_id}:{attempt}".encode(), hashlib.sha256)
    return f"{int(digest.hexdigest(), 16) % 10_000:04d}"


def assigned_username(invitation: Invitation) -> str:
    """The same answer every time for the same invitation while the name stays free."""
    stem = _stem(invitation)
    attempt = 0
    while True:
        candidate = f"{stem}-{_digits(invitation, attempt)}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
        attempt += 1

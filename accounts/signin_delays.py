"""Progressive sign-in delays instead of a hard lockout (docs/decisions/0008).

Failed password checks are counted twice: per username typed (folded to lower case, whether
or not such an account exists) and per caller's address. The first few failures of each are
free; after that every further attempt must wait, twice as long each time, up to a cap. While a
wait runs, every attempt for that username or from that address is refused before the password
is looked at, with one message that depends only on what was typed, never on whether the account
exists. A correct password does not get through during a wait, or the wait would protect
nothing; but a wait is short, so nobody can keep a colleague out for long.

The counters live in PostgreSQL (accounts.models.SignInFailures), so they hold when Redis is
down, and they are keyed by an HMAC of the username or address, never the value itself.
"""

import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta

from allauth.account import app_settings as allauth_account_settings
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from referral_portal import crypto
from referral_portal.client_ip import client_ip

from .models import SignInFailures

Scope = SignInFailures.Scope
UNKNOWN_ADDRESS = "unknown"


def normalize_username(value) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it in text) never reach a query.
    text = "".join(ch for ch in str(value or "") if ch.isprintable())
    return text.strip().lower()


def _key_hash(scope: str, value: str) -> str:
    key = crypto.keyed_hash_key(f"sign-in-{scope}")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def _address(request) -> str:
    """The caller's address as counted: one IPv6 /64 is one caller (a host is handed a whole
    /64, so counting single addresses would give it 2**64 fresh counters)."""
    address = client_ip(request) if request is not None else None
    if not address:
        return UNKNOWN_ADDRESS
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _keys(request, username: str) -> dict[str, str]:
    return {
        Scope.USERNAME: _key_hash(Scope.USERNAME, normalize_username(username)),
        Scope.ADDRESS: _key_hash(Scope.ADDRESS, _address(request)),
    }


def _free_failures(scope: str) -> int:
    if scope == Scope.USERNAME:
        return settings.SIGN_IN_FREE_FAILURES_PER_USERNAME
    return settings.SIGN_IN_FREE_FAILURES_PER_ADDRESS


def delay_after(failures: int, *, scope: str) -> timedelta:
    """How long the next attempt waits after this many failures: nothing while they are free,
    then SIGN_IN_FIRST_DELAY_SECONDS, doubling with each failure up to SIGN_IN_MAX_DELAY_SECONDS."""
    over = failures - _free_failures(scope)
    if over < 0:
        return timedelta(0)
    seconds = settings.SIGN_IN_FIRST_DELAY_SECONDS * 2 ** min(over, 32)
    return timedelta(seconds=min(seconds, settings.SIGN_IN_MAX_DELAY_SECONDS))


def _forgotten_before(now: datetime) -> datetime:
    return now - timedelta(hours=settings.SIGN_IN_FAILURES_FORGOTTEN_AFTER_HOURS)


def wait_until(request, username: str) -> datetime | None:
    """When attempts for this username from this caller may be checked again; None if now."""
    now = timezone.now()
    waits = (
        SignInFailures.objects.filter(
            wait_until__gt=now,
            last_failure_at__gte=_forgotten_before(now),
        )
        .filter(_either_key(_keys(request, username)))
        .values_list("wait_until", flat=True)
    )
    return max(waits, default=None)


def _either_key(keys: dict[str, str]) -> Q:
    either = Q(pk__in=[])
    for scope, key_hash in keys.items():
        either |= Q(scope=scope, key_hash=key_hash)
    return either


def record_failure(request, username: str) -> None:
    """Count one failed password check for this username and this address. A count older than
    SIGN_IN_FAILURES_FORGOTTEN_AFTER_HOURS starts again from nothing."""
    now = timezone.now()
    with transaction.atomic():
        for scope, key_hash in _keys(request, username).items():
            row, _ = SignInFailures.objects.select_for_update().get_or_create(
                scope=scope, key_hash=key_hash, defaults={"last_failure_at": now}
            )
            failures = 1 if row.last_failure_at < _forgotten_before(now) else row.failures + 1
            delay = delay_after(failures, scope=scope)
            row.failures = failures
            row.last_failure_at = now
            row.wait_until = now + delay if delay else None
            row.save(update_fields=["failures", "last_failure_at", "wait_until"])


def record_success(username: str) -> int:
    """A right password for an account that may sign in: its username's count starts again.
    The address's count stays, or an attacker could slip in a sign-in of their own between
    guesses at other people's passwords."""
    return SignInFailures.objects.filter(
        scope=Scope.USERNAME, key_hash=_key_hash(Scope.USERNAME, normalize_username(username))
    ).delete()[0]


def paused_usernames(usernames) -> set[str]:
    """Which of these usernames must wait before their next attempt (one query)."""
    by_hash = {_key_hash(Scope.USERNAME, normalize_username(name)): name for name in usernames}
    if not by_hash:
        return set()
    now = timezone.now()
    hashes = SignInFailures.objects.filter(
        scope=Scope.USERNAME,
        key_hash__in=list(by_hash),
        wait_until__gt=now,
        last_failure_at__gte=_forgotten_before(now),
    ).values_list("key_hash", flat=True)
    return {normalize_username(by_hash[key_hash]) for key_hash in hashes}


def clear_username(username: str) -> int:
    """Forget a username's failures, so the person can sign in at once (the release action)."""
    return record_success(username)


def forget_old_failures() -> int:
    """Delete counts nobody has added to for SIGN_IN_FAILURES_FORGOTTEN_AFTER_HOURS: they no
    longer delay anyone (see wait_until) and would otherwise pile up under a spray of names."""
    cutoff = _forgotten_before(timezone.now())
    return SignInFailures.objects.filter(last_failure_at__lt=cutoff).delete()[0]


def clear_authenticator_code_limit(user) -> None:
    """allauth counts wrong authenticator codes per person in the cache (mfa/base/internal/
    flows.py check_rate_limit); left alone it would refuse a released person for up to 15
    more minutes at the second step."""
    for rate in parse_rates(allauth_account_settings.RATE_LIMITS.get("login_failed")):
        if rate.per == "key":
            cache.delete(
                get_cache_key(
                    None,
                    app="allauth.account",
                    action="login_failed",
                    rate=rate,
                    key=f"mfa-auth-user-{user.pk}",
                )
            )

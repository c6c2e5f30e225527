"""Rate limits on the shared Redis cache, with a plain-language 429 page (ASVS V2.4.1, V16.3.3).

    from referral_portal.ratelimits import rate_limited

    @rate_limited(key="ip", rate="10/h", group="apply_for_access")
    def apply_for_access(request): ...

    @rate_limited(key="user", rate="30/h", group="attachment_upload")
    def upload_attachment(request, public_id): ...

- key: "ip" (the caller's address; for pages used before sign-in) or "user" (the signed-in
  person; anonymous callers fall back to their address).
- rate: "<count>/<period>", period s, m, h or d, optionally with a multiplier ("5/15m").
- group: a stable name; views sharing a group share one budget.
- methods: which requests count (default POST only, so reading a form is never refused).

A view whose rate is a setting read per request, or that counts only some requests (a valid
form, a code's own budget), calls `limit` itself and returns its answer when there is one:

    refused = limit(request, key="ip", rate=settings.ACCOUNTS_APPLY_RATE, group="accounts.apply")
    if refused is not None:
        return refused

Counting is a fixed window per (group, key) in the cache named by RATELIMIT_CACHE (the default
cache, Redis, shared by every web process). The caller's address or id is hashed before it
becomes part of a cache key. A refused request is answered with templates/429.html and logged
with the group only (no address, no user name).

Sign-in and password reset are limited by allauth's own ACCOUNT_RATE_LIMITS, which renders the
same template (429.html). Nothing else limits requests: this module is the
portal's one rate limiter, and too_many_requests its one 429 answer.
"""

import functools
import hashlib
import logging
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.shortcuts import render

from .client_ip import client_ip

logger = logging.getLogger("referral_portal.ratelimits")

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600); '5/15m' -> (5, 900)."""
    match = _RATE.match(rate.strip())
    if not match:
        raise ValueError(f"rate must look like '10/h' or '5/15m', not {rate!r}")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _PERIODS[unit]


def _caller(request, key: str) -> str:
    if key == "user":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
    elif key != "ip":
        raise ValueError(f"key must be 'ip' or 'user', not {key!r}")
    return f"ip:{client_ip(request) or 'unknown'}"


def hit(request, *, key: str, rate: str, group: str, value: str | None = None) -> bool:
    """Count one request against the budget; True when it is over the limit. With `value`, the
    budget is that value's (e.g. a code's hash: one budget for it from every address), not the
    caller's."""
    limit, period = parse_rate(rate)
    window = int(time.time()) // period
    caller = f"value:{value}" if value is not None else _caller(request, key)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{caller}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{group}:{digest}:{period}:{window}"
    cache = caches[settings.RATELIMIT_CACHE]
    cache.add(cache_key, 0, timeout=period + 5)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(cache_key, 1, timeout=period + 5)
        count = 1
    return count > limit


def limit(
    request, *, key: str = "ip", rate: str, group: str, value: str | None = None
) -> HttpResponse | None:
    """Count one request; past the rate, the 429 page (logged with the group only), else None."""
    if not hit(request, key=key, rate=rate, group=group, value=value):
        return None
    logger.warning("Rate limit reached for %s", group, extra={"event": "rate_limited"})
    _, period = parse_rate(rate)
    return too_many_requests(request, retry_after=period - int(time.time()) % period)


def too_many_requests(request, exception=None, *, retry_after: int | None = None):
    """The 429 page. allauth renders the same template (429.html) for its own limits."""
    response = render(request, "429.html", {"retry_after_minutes": _minutes(retry_after)})
    response.status_code = 429
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _minutes(seconds: int | None) -> int | None:
    return None if not seconds else max(1, -(-seconds // 60))


def rate_limited(*, key: str = "ip", rate: str, group: str, methods=("POST",)):
    """Refuse a view with 429 once `rate` is spent for this caller in `group`."""
    count, _ = parse_rate(rate)  # fail at import time on a bad rate
    if key not in ("ip", "user"):
        raise ValueError(f"key must be 'ip' or 'user', not {key!r}")
    counted = None if methods is None else {m.upper() for m in methods}

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if counted is None or request.method in counted:
                refused = limit(request, key=key, rate=rate, group=group)
                if refused is not None:
                    return refused
            return view(request, *args, **kwargs)

        wrapped.rate_limit = {"key": key, "rate": rate, "group": group, "limit": count}
        return wrapped

    return decorator

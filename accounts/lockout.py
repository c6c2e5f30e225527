"""Sign-in lockout (CJIS AC-7) with django-axes, and the per-username limit django-allauth keeps
alongside it. Both count by the username typed, folded to lower case because sign-in is not
case-sensitive: otherwise "Jane" and "jane" would each get five tries."""

from datetime import timedelta

from allauth.account import app_settings as allauth_account_settings
from allauth.core.internal.ratelimit import get_cache_key, parse_rates
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone


def normalize_username(value) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it in text) never reach a query.
    text = "".join(ch for ch in str(value or "") if ch.isprintable())
    return text.strip().lower()


def lockout_username(request, credentials=None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username of a sign-in or re-authentication attempt."""
    credentials = credentials or {}
    value = credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        value = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD, "")
    return normalize_username(value) or None


def locked_usernames(usernames) -> set[str]:
    """Which of these usernames are locked out now (one query)."""
    names = {normalize_username(name) for name in usernames}
    if not names:
        return set()
    since = timezone.now() - (settings.AXES_COOLOFF_TIME or timedelta(days=36500))
    rows = (
        AccessAttempt.objects.filter(username__in=names, attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def clear_lockout(user) -> int:
    """Forget a person's failed attempts in axes and in allauth's own limits, so they can sign
    in at once. Returns how many axes records were removed."""
    username = normalize_username(user.username)
    removed = axes_reset(username=username)
    # allauth counts failed passwords per "site domain:login" (account/adapter.py
    # _get_login_attempts_cache_key) and failed authenticator codes per user (mfa/base/internal/
    # flows.py check_rate_limit). Left alone they would refuse the person for up to 15 more
    # minutes after an administrator released the lockout.
    keys = [f"{Site.objects.get_current().domain}:{username}", f"mfa-auth-user-{user.pk}"]
    for rate in parse_rates(allauth_account_settings.RATE_LIMITS.get("login_failed")):
        if rate.per == "key":
            for key in keys:
                cache.delete(
                    get_cache_key(
                        None, app="allauth.account", action="login_failed", rate=rate, key=key
                    )
                )
    return removed

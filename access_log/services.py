"""Writing the access log: one row per read, in the caller's own transaction."""

import re
import uuid

from referral_portal.client_ip import client_ip

from .models import DETAIL_LENGTH, USER_AGENT_LENGTH, AccessLog, AccessOutcome

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _clean(text: str, length: int) -> str:
    return _CONTROL_CHARACTERS.sub(" ", text or "")[:length]


def _object_type(obj) -> str:
    meta = getattr(obj, "_meta", None)
    return meta.model_name if meta is not None else type(obj).__name__.lower()


def as_uuid(value) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def record_access(
    *,
    request,
    action: str,
    referral=None,
    obj=None,
    detail: str = "",
    outcome: str = AccessOutcome.ALLOWED,
    object_type: str = "",
) -> AccessLog:
    """Write one access-log row in the current transaction (no Celery, no on_commit).

    `referral` is any object with `public_id` and `reference`; `obj` is the thing read (an
    attachment, a notice, ...), or None when the referral itself was read; `object_type` names
    what was read when there is no object ("access_log" for the log itself). If the row cannot
    be written the exception propagates and the page is not shown: a read without its record
    is worse than an error.
    """
    if action not in AccessLog.Action.values:
        raise ValueError(f"unknown access-log action {action!r}")
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    target = obj if obj is not None else referral
    return AccessLog.objects.create(
        user=user if signed_in else None,
        role=getattr(user, "role", "") if signed_in else "",
        organization_id=getattr(user, "organization_id", None) if signed_in else None,
        action=action,
        outcome=outcome,
        object_type=object_type or (_object_type(target) if target is not None else ""),
        object_public_id=as_uuid(getattr(target, "public_id", None)),
        referral_public_id=as_uuid(getattr(referral, "public_id", None)),
        referral_reference=_clean(str(getattr(referral, "reference", "") or ""), 40),
        ip_address=client_ip(request),
        user_agent=_clean(request.headers.get("User-Agent", ""), USER_AGENT_LENGTH),
        request_id=_clean(getattr(request, "request_id", ""), 64),
        detail=_clean(detail, DETAIL_LENGTH),
    )

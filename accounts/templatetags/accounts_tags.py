from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def field_errors(form) -> list[tuple]:
    """(field, message, anchor) for every field error, for the error summary at the top of a
    form. A group of radio buttons has no single input to label (id_for_label is empty), so
    its link goes to the first choice."""
    return [(field, error, _anchor(field)) for field in form for error in field.errors]


def _anchor(field) -> str:
    return field.id_for_label or (f"{field.auto_id}_0" if field.auto_id else "")


@register.filter
def status_tag(status: str) -> str:
    """The tag style for an organization's or invitation's status."""
    return {
        "verified": "portal-tag--ok",
        "reinstated": "portal-tag--ok",
        "sent": "portal-tag--ok",
        "applied": "portal-tag--waiting",
        "awaiting_verification": "portal-tag--waiting",
        "pending": "portal-tag--waiting",
        "declined": "portal-tag--danger",
        "suspended": "portal-tag--danger",
        "expired": "portal-tag--danger",
    }.get(status, "")


@register.filter
def duration_words(seconds) -> str:
    """600 -> "10 minutes", 43200 -> "12 hours", 8 -> "8 seconds"."""
    seconds = int(seconds)
    for size, unit in ((3600, "hour"), (60, "minute"), (1, "second")):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


@register.simple_tag
def absolute_session_limit() -> str:
    return duration_words(settings.SESSION_ABSOLUTE_TIMEOUT)

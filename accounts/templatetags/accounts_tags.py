from django import template

register = template.Library()


@register.simple_tag
def field_errors(form) -> list[tuple]:
    """(field, message) for every field error, for the error summary at the top of a form."""
    return [(field, error) for field in form for error in field.errors]


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

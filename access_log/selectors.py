"""Reading the access log for a referral's "Viewed by" list."""

from django.db.models import Count, Max

from referral_portal.roles import Role

from .models import AccessLog
from .services import as_uuid


def viewers_of(referral_public_id) -> list[dict]:
    """Who has opened this referral or its files, most recent first: one row per person with
    their role and organization at the time, how often and when last. One query."""
    public_id = as_uuid(referral_public_id)
    if public_id is None:
        return []
    rows = (
        AccessLog.objects.filter(
            referral_public_id=public_id, outcome=AccessLog.Outcome.ALLOWED, user__isnull=False
        )
        .values(
            "user_id",
            "user__username",
            "user__first_name",
            "user__last_name",
            "role",
            "organization__name",
        )
        .annotate(last_at=Max("at"), times=Count("id"))
        .order_by("-last_at")
    )
    return [
        {
            "user_id": row["user_id"],
            "name": f"{row['user__first_name']} {row['user__last_name']}".strip()
            or row["user__username"],
            "role": row["role"],
            "role_label": Role(row["role"]).label if row["role"] in Role.values else row["role"],
            "organization": row["organization__name"] or "",
            "last_at": row["last_at"],
            "times": row["times"],
        }
        for row in rows
    ]

"""The e-mail warning a draft's author before the draft is deleted: dates and a link only,
never anything the draft holds about the person."""

from django.conf import settings
from django.utils import timezone

from referral_portal import mail, outbox
from referrals.models import Referral, Status

from .drafts import WARNING_KIND
from .models import DraftWarning


@outbox.handler(WARNING_KIND)
def draft_deletion_warning(draft: str):
    referral = (
        Referral.objects.select_related("created_by")
        .only("public_id", "status", "created_at", "created_by__email", "created_by__is_active")
        .filter(public_id=draft)
        .first()
    )
    if referral is None or referral.status != Status.DRAFT:
        return  # submitted or deleted since: nothing to warn about
    warning = DraftWarning.objects.filter(draft=referral).first()
    author = referral.created_by
    if warning is None or not author.is_active or not author.email:
        return
    started = timezone.localdate(referral.created_at)
    deletion = timezone.localdate(warning.delete_after)
    mail.send(
        "retention/email/draft_deletion_warning",
        {
            "started": f"{started:%B %-d, %Y}",
            "deletion_date": f"{deletion:%B %-d, %Y}",
            "deletion_day": f"{deletion:%A, %B %-d, %Y}",
            "days": settings.REFERRAL_DRAFT_RETENTION_DAYS,
            "link": mail.link("referrals:detail", referral.public_id),
        },
        [author.email],
    )

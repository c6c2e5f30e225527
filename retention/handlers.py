"""The e-mail warning a draft's author before the draft is deleted: dates and a link only,
never anything the draft holds about the person."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from referral_portal import outbox
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
    link = settings.PORTAL_BASE_URL + reverse("referrals:detail", args=[referral.public_id])
    days = settings.REFERRAL_DRAFT_RETENTION_DAYS
    send_mail(
        subject=f"Your draft referral will be deleted on {deletion:%B %-d, %Y}",
        message=(
            f"You started a draft referral on {started:%B %-d, %Y} and have not changed it "
            f"for a while.\n"
            f"Drafts left unchanged for {days} days are deleted, with their attachments. "
            f"This draft will be deleted on {deletion:%A, %B %-d, %Y} unless you change or "
            f"submit it before then.\n\n"
            f"Sign in to continue it: {link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[author.email],
    )

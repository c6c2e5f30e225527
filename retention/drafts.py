"""Stale drafts: a warning to the author, then deletion.

A draft is "touched" when it is saved or a file is attached to it. After
REFERRAL_DRAFT_RETENTION_DAYS - REFERRAL_DRAFT_WARNING_DAYS days untouched (23 by default) its
author gets one e-mail (a link, the dates, nothing about the person); after
REFERRAL_DRAFT_RETENTION_DAYS (30) it is deleted with its files. Deletion also waits until the
warning is at least REFERRAL_DRAFT_WARNING_DAYS old, so a draft is never deleted without its
author having had the full notice (say the daily task did not run for a week). A draft touched
after its warning starts over and gets a new warning when it goes stale again. A draft under a
legal hold is left alone.
"""

import logging
from datetime import datetime, timedelta

import pghistory
from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from referral_portal import outbox, private_storage
from referrals.history import scrub_history
from referrals.models import Attachment, Referral, Status

from .models import DraftDeletion, DraftWarning

logger = logging.getLogger(__name__)
WARNING_KIND = "retention.draft_deletion_warning"


def draft_lifetime() -> timedelta:
    return timedelta(days=settings.REFERRAL_DRAFT_RETENTION_DAYS)


def warning_notice() -> timedelta:
    return timedelta(days=settings.REFERRAL_DRAFT_WARNING_DAYS)


def drafts_with_last_activity(queryset=None):
    """Drafts annotated with `last_activity_at`: the later of the last save and the last file
    attached (adding a file does not save the referral row)."""
    queryset = queryset if queryset is not None else Referral.objects.all()
    last_upload = (
        Attachment.objects.filter(referral=OuterRef("pk"))
        .values("referral")
        .annotate(latest=Max("uploaded_at"))
        .values("latest")
    )
    latest_upload = Subquery(last_upload, output_field=DateTimeField())
    return queryset.filter(status=Status.DRAFT, legal_hold=False).annotate(
        last_activity_at=Greatest(F("updated_at"), Coalesce(latest_upload, F("updated_at")))
    )


def due_for_warning(now: datetime):
    """Drafts untouched for the lifetime less the notice (23 days), whose author has not been
    warned about this spell of inactivity."""
    return (
        drafts_with_last_activity()
        .filter(last_activity_at__lte=now - (draft_lifetime() - warning_notice()))
        .exclude(deletion_warning__last_activity_at__gte=F("last_activity_at"))
    )


def due_for_deletion(now: datetime):
    """Drafts untouched for their lifetime (30 days) whose author was warned about this spell
    of inactivity at least the notice period (7 days) ago."""
    return drafts_with_last_activity().filter(
        last_activity_at__lte=now - draft_lifetime(),
        deletion_warning__last_activity_at__gte=F("last_activity_at"),
        deletion_warning__warned_at__lte=now - warning_notice(),
    )


def _lock_if_due(due, pk: int):
    """Lock the draft, then ask the rule again: the author may have saved it, or a hold may
    have been placed, since the daily selection ran. None if it is no longer due."""
    locked = Referral.objects.select_for_update().filter(pk=pk).first()
    if locked is None:
        return None, None
    row = due.filter(pk=pk).values("last_activity_at", "deletion_warning__warned_at").first()
    return (locked, row) if row is not None else (None, None)


def warn_draft_author(*, draft: Referral, now: datetime | None = None) -> DraftWarning | None:
    """Record the warning and queue its e-mail, once per spell of inactivity."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, row = _lock_if_due(due_for_warning(now), draft.pk)
        if locked is None:
            return None
        last = row["last_activity_at"]
        warning, _ = DraftWarning.objects.update_or_create(
            draft=locked,
            defaults={
                "last_activity_at": last,
                "warned_at": now,
                "delete_after": max(last + draft_lifetime(), now + warning_notice()),
            },
        )
        outbox.enqueue(WARNING_KIND, draft=str(locked.public_id))
    return warning


def delete_stale_draft(*, draft: Referral, now: datetime | None = None) -> DraftDeletion | None:
    """Delete the draft if, locked, it is still untouched past its lifetime and its author was
    warned long enough ago. Files are removed after commit (as when an author discards one)."""
    now = now or timezone.now()
    with transaction.atomic(), pghistory.context(task="retention.delete_draft"):
        locked, row = _lock_if_due(due_for_deletion(now), draft.pk)
        if locked is None:
            return None
        names = list(locked.attachments.values_list("stored_name", flat=True))
        record = DraftDeletion.objects.create(
            draft_public_id=locked.public_id,
            organization_id=locked.organization_id,
            author_id=locked.created_by_id,
            draft_created_at=locked.created_at,
            last_activity_at=row["last_activity_at"],
            warned_at=row["deletion_warning__warned_at"],
            deleted_at=now,
            attachments_deleted=len(names),
        )
        pk = locked.pk
        locked.delete()
        # The draft's change history stays (who started it, when), without its contents.
        scrub_history(pk)
        transaction.on_commit(lambda: [private_storage.delete(name) for name in names])
    logger.info("stale draft deleted", extra={"object_id": str(record.draft_public_id)})
    return record


def clean_up_drafts(*, now: datetime | None = None) -> dict[str, int]:
    """The daily run: delete the stale drafts, then warn the authors of drafts going stale.
    Each draft in its own transaction."""
    now = now or timezone.now()
    to_delete = list(due_for_deletion(now).values_list("pk", flat=True))
    deleted = sum(1 for pk in to_delete if delete_stale_draft(draft=Referral(pk=pk), now=now))
    to_warn = list(due_for_warning(now).values_list("pk", flat=True))
    warned = sum(1 for pk in to_warn if warn_draft_author(draft=Referral(pk=pk), now=now))
    return {"warned": warned, "deleted": deleted}

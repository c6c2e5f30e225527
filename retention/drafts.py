"""Stale drafts: a warning to the author, then deletion.

A draft is "touched" when it is saved or a file is attached to it. After
REFERRAL_DRAFT_RETENTION_DAYS - REFERRAL_DRAFT_WARNING_DAYS days untouched (23 by default) its
author gets one e-mail (a link, the dates, nothing about the person); after
REFERRAL_DRAFT_RETENTION_DAYS (30) it is deleted with its files. Deletion also waits until the
warning is at least REFERRAL_DRAFT_WARNING_DAYS old, so a draft is never deleted without its
author having had the full notice (say the daily task did not run for a week). A draft touched
after its warning starts over and gets a new warning when it goes stale again. A draft under a
legal hold is left alone.

This module says which drafts are due; retention.services warns and deletes, each draft locked
and asked again.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import DateTimeField, F, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from referrals.models import Attachment, Referral, Status

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

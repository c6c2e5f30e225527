"""Every change retention makes: legal holds placed and lifted, referrals purged, stale drafts'
authors warned and the drafts deleted.

Each function opens a transaction, locks the referral, asks its rule again now that nobody else
can change the row, writes, and records what it did (an append-only record, the change
history's context, an outbox row for the e-mail). The rules are read where they are declared:
when a referral is due for purging in purge.py, when a draft is due for a warning or deletion in
drafts.py; the daily selection and the locked re-check ask the same rule.

Legal holds: while one is set, nothing purges the referral or deletes the draft. Only
administrators place or lift a hold, always with a reason. Each change is kept three ways: a
LegalHoldChange row (append-only, with the reason), the referral's change history (pghistory
records the `legal_hold` column with who and which request), and, from the admin, Django's own
admin log.
"""

import logging
from datetime import datetime

import pghistory
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from referral_portal import outbox, private_storage
from referral_portal.fields import encrypted_fields_of
from referral_portal.locks import lock_row, lock_row_or_none
from referral_portal.roles import is_acting_administrator
from referrals.history import scrub_history
from referrals.models import BLIND_INDEXES, PLAIN_PERSONAL_FIELDS, Referral

from . import drafts, purge
from .models import DraftDeletion, DraftWarning, LegalHoldChange, PurgeRecord

logger = logging.getLogger(__name__)


# --- legal holds -------------------------------------------------------------------------------
REASON_MAX_LENGTH = LegalHoldChange._meta.get_field("reason").max_length


class HoldRefused(Exception):
    """The hold cannot change (already in that state, or the referral is purged)."""


def may_change_holds(user) -> bool:
    return is_acting_administrator(user)


def place_legal_hold(*, referral: Referral, actor, reason: str) -> LegalHoldChange:
    return _change_hold(referral=referral, actor=actor, reason=reason, placed=True)


def lift_legal_hold(*, referral: Referral, actor, reason: str) -> LegalHoldChange:
    return _change_hold(referral=referral, actor=actor, reason=reason, placed=False)


def _change_hold(*, referral: Referral, actor, reason: str, placed: bool) -> LegalHoldChange:
    if not may_change_holds(actor):
        raise PermissionDenied("only administrators change legal holds")
    reason = " ".join((reason or "").split())
    if not reason:
        raise HoldRefused("a reason is required")
    if len(reason) > REASON_MAX_LENGTH:
        raise HoldRefused(f"the reason is longer than {REASON_MAX_LENGTH} characters")
    with transaction.atomic():
        locked = lock_row(Referral, referral.pk)
        if locked.purged_at is not None:
            raise HoldRefused(f"{locked} was purged already")
        if locked.legal_hold == placed:
            raise HoldRefused(f"{locked} is {'already' if placed else 'not'} under a legal hold")
        # An UPDATE of the one column: `updated_at` is how long a draft has been left alone
        # (and a withdrawal's fallback date), so a hold must not move it.
        Referral.objects.filter(pk=locked.pk).update(legal_hold=placed)
        return LegalHoldChange.objects.create(
            referral=locked,
            referral_public_id=locked.public_id,
            placed=placed,
            reason=reason,
            changed_by=actor,
            changed_at=timezone.now(),
        )


# --- purging a referral's personal data (what and when: purge.py) ------------------------------
def purge_referral(*, referral: Referral, now: datetime | None = None) -> PurgeRecord | None:
    """Purge one referral if, with its row locked, it is still due. Returns the record, or None
    when there was nothing to do (already purged, held, reopened or not due): safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic(), pghistory.context(task="retention.purge"):
        locked = lock_row(Referral, referral.pk)
        # The same rule as the daily selection, read again now that the row is locked: a hold
        # placed, an appeal filed or a purge finished meanwhile is seen here.
        due = purge.due_for_purge(now).filter(pk=locked.pk)
        final_at = due.values_list("final_at", flat=True).first()
        if final_at is None:
            return None
        attachment_files = list(locked.attachments.values_list("stored_name", flat=True))
        notice_files = list(locked.notices.values_list("stored_name", flat=True))
        referral_fields = _clear_referral(locked)
        related_values = _clear_related(locked)
        links = locked.possible_duplicates.count() + locked.later_possible_duplicates.count()
        locked.possible_duplicates.clear()
        locked.later_possible_duplicates.clear()
        locked.purged_at = now
        locked.save()
        history_rows = scrub_history(locked.pk)
        # Files go last, still inside the transaction: if the commit then failed, the referral
        # would stay unpurged and the next run would purge it again (deleting a missing file is
        # a no-op). The other order could commit "purged" while leaving files on disk.
        record = PurgeRecord.objects.create(
            referral=locked,
            referral_public_id=locked.public_id,
            reference=locked.reference or "",
            purged_at=now,
            status=locked.status,
            final_at=final_at,
            retention_days=purge.retention_days(),
            referral_fields_cleared=referral_fields,
            related_values_cleared=related_values,
            history_rows_scrubbed=history_rows,
            duplicate_links_removed=links,
            attachments_deleted=_delete_files(attachment_files),
            notices_deleted=_delete_files(notice_files),
        )
    logger.info("referral purged", extra={"object_id": record.reference})
    return record


def purge_due_referrals(*, now: datetime | None = None, limit: int | None = None) -> int:
    """The daily run: purge each due referral in its own transaction. Returns how many."""
    now = now or timezone.now()
    limit = limit or settings.REFERRAL_PURGE_BATCH_SIZE
    due = purge.due_for_purge(now).order_by("final_at", "pk")
    ids = list(due.values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if purge_referral(referral=Referral(pk=pk), now=now) is not None)


def _empty(field_obj: models.Field):
    return None if field_obj.null else ""


def _is_set(value) -> bool:
    return value not in (None, "", [])


def _clear_referral(locked: Referral) -> int:
    cleared = 0
    for field_obj in encrypted_fields_of(Referral):
        if _is_set(getattr(locked, field_obj.attname)):
            cleared += 1
        setattr(locked, field_obj.attname, _empty(field_obj))
    for name, empty in {**PLAIN_PERSONAL_FIELDS, **BLIND_INDEXES}.items():
        if _is_set(getattr(locked, name)):
            cleared += 1
        setattr(locked, name, empty)
    return cleared


def _clear_related(locked: Referral) -> int:
    """Blank every encrypted value on rows under the referral; returns how many were set."""
    cleared = 0
    for columns in purge.personal_columns():
        rows = columns.model._default_manager.filter(**{columns.path: locked})
        counts = rows.aggregate(
            **{
                f.name: Count("pk", filter=GreaterThan(Length(F(f.name)), 0))
                for f in columns.fields
            }
        )
        cleared += sum(counts.values())
        rows.update(**{f.name: _empty(f) for f in columns.fields})
    return cleared


def _delete_files(names: list[str]) -> int:
    deleted = 0
    for name in names:
        if private_storage.exists(name):
            deleted += 1
        private_storage.delete(name)
    return deleted


# --- stale drafts (when: drafts.py) ------------------------------------------------------------
def warn_draft_author(*, draft: Referral, now: datetime | None = None) -> DraftWarning | None:
    """Record the warning and queue its e-mail, once per spell of inactivity."""
    now = now or timezone.now()
    with transaction.atomic():
        locked, row = _lock_if_due(drafts.due_for_warning(now), draft.pk)
        if locked is None:
            return None
        last = row["last_activity_at"]
        warning, _ = DraftWarning.objects.update_or_create(
            draft=locked,
            defaults={
                "last_activity_at": last,
                "warned_at": now,
                "delete_after": max(last + drafts.draft_lifetime(), now + drafts.warning_notice()),
            },
        )
        outbox.enqueue(drafts.WARNING_KIND, draft=str(locked.public_id))
    return warning


def delete_stale_draft(*, draft: Referral, now: datetime | None = None) -> DraftDeletion | None:
    """Delete the draft if, locked, it is still untouched past its lifetime and its author was
    warned long enough ago. Files are removed after commit (as when an author discards one)."""
    now = now or timezone.now()
    with transaction.atomic(), pghistory.context(task="retention.delete_draft"):
        locked, row = _lock_if_due(drafts.due_for_deletion(now), draft.pk)
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
    to_delete = list(drafts.due_for_deletion(now).values_list("pk", flat=True))
    deleted = sum(1 for pk in to_delete if delete_stale_draft(draft=Referral(pk=pk), now=now))
    to_warn = list(drafts.due_for_warning(now).values_list("pk", flat=True))
    warned = sum(1 for pk in to_warn if warn_draft_author(draft=Referral(pk=pk), now=now))
    return {"warned": warned, "deleted": deleted}


def _lock_if_due(due, pk: int):
    """Lock the draft, then ask the rule again: the author may have saved it, or a hold may
    have been placed, since the daily selection ran. (None, None) if it is no longer due."""
    locked = lock_row_or_none(Referral, pk)
    if locked is None:
        return None, None
    row = due.filter(pk=pk).values("last_activity_at", "deletion_warning__warned_at").first()
    return (locked, row) if row is not None else (None, None)

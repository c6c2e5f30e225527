"""What retention did: purges of referrals past their retention period, warnings to the authors
of stale drafts, deletions of those drafts, and legal holds placed and lifted.

None of these rows holds personal data: ids, reference numbers, dates and counts only. The
records of what was purged, deleted or held are append-only (a database trigger refuses UPDATE
and DELETE), so the proof that a purge happened cannot be rewritten either.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referrals.models import Referral

__all__ = ["DraftDeletion", "DraftWarning", "LegalHoldChange", "PurgeRecord", "RetainedReferral"]


def _append_only(name: str) -> pgtrigger.Protect:
    return pgtrigger.Protect(name=name, operation=pgtrigger.Update | pgtrigger.Delete)


class RetainedReferral(Referral):
    """The referral as the retention admin shows it: statistics, legal hold and purge date,
    never the personal fields."""

    class Meta:
        proxy = True
        verbose_name = "referral (retention and legal hold)"
        verbose_name_plural = "referrals (retention and legal hold)"


class PurgeRecord(models.Model):
    """One referral's personal data purged after its retention period. One per referral."""

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="purge_record")
    referral_public_id = models.UUIDField()
    reference = models.CharField(max_length=20)
    purged_at = models.DateTimeField(default=timezone.now)
    status = models.CharField("final status", max_length=20)
    final_at = models.DateTimeField("final state reached")
    retention_days = models.PositiveIntegerField()
    # What was cleared: the referral's own personal fields, personal values on rows that belong
    # to it (requests, timeline notes, file names, decision notes...), files removed from
    # private storage, and change-history rows whose copies of plain personal fields were blanked.
    referral_fields_cleared = models.PositiveIntegerField(default=0)
    related_values_cleared = models.PositiveIntegerField(default=0)
    attachments_deleted = models.PositiveIntegerField(default=0)
    notices_deleted = models.PositiveIntegerField(default=0)
    history_rows_scrubbed = models.PositiveIntegerField(default=0)
    duplicate_links_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-purged_at", "-id"]
        triggers = [_append_only("purge_record_append_only")]

    def __str__(self):
        return f"{self.reference} purged {self.purged_at:%Y-%m-%d}"

    @property
    def files_deleted(self) -> int:
        return self.attachments_deleted + self.notices_deleted


class DraftWarning(models.Model):
    """The e-mail telling a draft's author it will be deleted. One per spell of inactivity: if
    the author changes the draft afterwards, the next spell gets its own warning."""

    draft = models.OneToOneField(
        Referral, on_delete=models.CASCADE, related_name="deletion_warning"
    )
    last_activity_at = models.DateTimeField(help_text="The last change the warning was about.")
    warned_at = models.DateTimeField(default=timezone.now)
    delete_after = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(delete_after__gt=models.F("warned_at")),
                name="draft_warning_before_deletion",
            )
        ]

    def __str__(self):
        return f"Draft deletion warning {self.warned_at:%Y-%m-%d}"


class DraftDeletion(models.Model):
    """A draft deleted after 30 days without changes. The draft itself is gone."""

    draft_public_id = models.UUIDField(unique=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    draft_created_at = models.DateTimeField()
    last_activity_at = models.DateTimeField()
    warned_at = models.DateTimeField()
    deleted_at = models.DateTimeField(default=timezone.now)
    attachments_deleted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        triggers = [_append_only("draft_deletion_append_only")]

    def __str__(self):
        return f"Draft {self.draft_public_id} deleted {self.deleted_at:%Y-%m-%d}"


class LegalHoldChange(models.Model):
    """An administrator placed or lifted a legal hold, and why."""

    # No database constraint: the record outlives a held draft that is later deleted.
    referral = models.ForeignKey(
        Referral,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="legal_hold_changes",
    )
    referral_public_id = models.UUIDField()
    placed = models.BooleanField(help_text="Ticked: the hold was placed. Not ticked: lifted.")
    reason = models.CharField(max_length=300)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        triggers = [_append_only("legal_hold_change_append_only")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_change_has_reason")
        ]

    def __str__(self):
        return f"Legal hold {'placed' if self.placed else 'lifted'} {self.changed_at:%Y-%m-%d}"

"""Purging a referral's personal data once its retention period has run out.

When does the period start? At the referral's final state:
- confirmed: at the decision, or at the last outcome report of the receiving agencies if later;
  and only once routing is closed, i.e. every delivery has had an outcome reported (an agency
  still working the case keeps it open);
- declined: at the decision plus the appeal period (CONFIRMATIONS_APPEAL_PERIOD_DAYS), because
  an appeal can still reopen it until then (an appealed referral is not final at all);
- withdrawn: at the withdrawal.
Drafts and open referrals are never purged here (drafts have their own clean-up in drafts.py),
and nothing is purged while `legal_hold` is set.

What a purge clears: every encrypted field on the referral and on any row that belongs to it
(found from the models, so a new encrypted column anywhere under a referral is purged without
touching this file), the plain fields that describe the person rather than the case, the blind
indexes, the links to possible duplicates (they say "same person"), and the copies of the
plain personal fields in the referral's change history (referrals.history.scrub_history, the
same function that "discard draft" and the stale-draft clean-up use). Attachments and notices
are deleted from private storage; their rows stay, without the file name. What stays is
statistics: status and workflow dates, counties, trafficking types, the minor flag, the
organization, industry and services. Gender, immigration status, country of birth, the signs of
force, fraud or coercion and the arrest and law-enforcement facts are encrypted (they endanger
the person), so they go with the rest: figures about them must be counted before the purge.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pghistory
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest, Length
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from referral_portal import private_storage
from referral_portal.fields import encrypted_fields_of
from referrals.history import scrub_history
from referrals.models import (
    BLIND_INDEXES,
    PLAIN_PERSONAL_FIELDS,
    EventKind,
    Referral,
    ReferralEvent,
    Status,
)
from routing.models import OutcomeReport, RoutingDelivery

from .models import PurgeRecord

logger = logging.getLogger(__name__)


def retention_days() -> int:
    return settings.REFERRAL_RETENTION_DAYS


def appeal_period() -> timedelta:
    # Read through settings (with the confirmations app's default) so that this module does not
    # import the review app to learn one number.
    return timedelta(days=getattr(settings, "CONFIRMATIONS_APPEAL_PERIOD_DAYS", 30))


def with_final_at(queryset):
    """Annotate `final_at`: when the referral reached a final state (None while it has not)."""
    withdrawn_at = (
        ReferralEvent.objects.filter(referral=OuterRef("pk"), kind=EventKind.WITHDRAWN)
        .order_by("-at")
        .values("at")[:1]
    )
    last_outcome_at = (
        OutcomeReport.objects.filter(delivery__referral=OuterRef("pk"))
        .order_by("-reported_at")
        .values("reported_at")[:1]
    )
    routing_open = RoutingDelivery.objects.filter(
        referral=OuterRef("pk"), first_outcome_at__isnull=True
    )
    when = models.DateTimeField()
    return queryset.annotate(
        final_at=Case(
            When(Q(status=Status.CONFIRMED) & Exists(routing_open), then=Value(None)),
            When(
                status=Status.CONFIRMED,
                then=Greatest(
                    F("decided_at"),
                    Coalesce(Subquery(last_outcome_at, output_field=when), F("decided_at")),
                ),
            ),
            When(status=Status.DECLINED, then=F("decided_at") + Value(appeal_period())),
            # The withdrawal event is always written by the service; updated_at only moves later.
            When(
                status=Status.WITHDRAWN,
                then=Coalesce(Subquery(withdrawn_at, output_field=when), F("updated_at")),
            ),
            default=Value(None),
            output_field=when,
        )
    )


def due_for_purge(now: datetime | None = None):
    """Referrals whose retention period ended by `now`, not held, not purged yet."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days())
    return with_final_at(
        Referral.objects.filter(
            purged_at__isnull=True,
            legal_hold=False,
            status__in=[Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN],
        )
    ).filter(final_at__isnull=False, final_at__lte=cutoff)


# --- what belongs to a referral ----------------------------------------------------------------
@dataclass(frozen=True)
class PersonalColumns:
    model: type[models.Model]
    path: str  # lookup from the model to its referral, e.g. "delivery__referral"
    fields: tuple[models.Field, ...] = field(default_factory=tuple)


def _path_to_referral(model, depth: int = 2) -> str | None:
    """The shortest chain of foreign keys (at most `depth`) from `model` to Referral."""
    frontier = [(model, "")]
    for _ in range(depth):
        following = []
        for current, prefix in frontier:
            for fk in current._meta.concrete_fields:
                if not fk.is_relation or not (fk.many_to_one or fk.one_to_one):
                    continue
                path = f"{prefix}{fk.name}"
                if fk.related_model is Referral:
                    return path
                following.append((fk.related_model, f"{path}__"))
        frontier = following
    return None


def personal_columns() -> list[PersonalColumns]:
    """Every model with encrypted fields whose rows belong to a referral (not Referral itself)."""
    found = []
    for model in apps.get_models():
        if model is Referral or model._meta.proxy:
            continue
        encrypted = tuple(encrypted_fields_of(model))
        if not encrypted:
            continue
        path = _path_to_referral(model)
        if path is not None:
            found.append(PersonalColumns(model=model, path=path, fields=encrypted))
    return found


def _empty(field_obj: models.Field):
    return None if field_obj.null else ""


def _is_set(value) -> bool:
    return value not in (None, "", [])


# --- the purge ---------------------------------------------------------------------------------
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
    for columns in personal_columns():
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


def purge_referral(*, referral: Referral, now: datetime | None = None) -> PurgeRecord | None:
    """Purge one referral if, with its row locked, it is still due. Returns the record, or None
    when there was nothing to do (already purged, held, reopened or not due): safe to repeat."""
    now = now or timezone.now()
    with transaction.atomic(), pghistory.context(task="retention.purge"):
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        # The same rule as the daily selection, read again now that the row is locked: a hold
        # placed, an appeal filed or a purge finished meanwhile is seen here.
        due = due_for_purge(now).filter(pk=locked.pk)
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
            retention_days=retention_days(),
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
    ids = list(due_for_purge(now).order_by("final_at", "pk").values_list("pk", flat=True)[:limit])
    purged = 0
    for pk in ids:
        if purge_referral(referral=Referral(pk=pk), now=now) is not None:
            purged += 1
    return purged

"""When a referral's personal data is purged, and what the purge clears (the purge itself,
which locks the referral and asks this rule again, is retention.services.purge_referral).

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

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from referral_portal.fields import encrypted_fields_of
from referrals.models import EventKind, Referral, ReferralEvent, Status
from routing.models import OutcomeReport, RoutingDelivery


def retention_days() -> int:
    return settings.REFERRAL_RETENTION_DAYS


def appeal_period() -> timedelta:
    # Read from settings so that this module does not import the review app to learn one number.
    return timedelta(days=settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS)


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

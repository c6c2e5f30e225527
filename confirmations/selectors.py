"""Reads for the review, depending on who asks. People outside the queue's roles see nothing,
and a referral they may not see is a 404 (referrals.selectors decides)."""

from datetime import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from access_log.selectors import viewers_of
from referral_portal.business_days import time_left
from referral_portal.roles import STATE_TEAM, in_role_set
from referrals import selectors as referral_selectors
from referrals.break_glass import BreakGlassGrant, is_active
from referrals.models import INFORMATION_PROVIDED, QUEUE_ORDER, Referral, Status
from routing.selectors import deliveries_of_referral

from .choices import QUEUE_STATUSES, DecisionStage
from .models import Appeal, Decision, Extension
from .services import in_queue, open_clock_pause

QUEUE_COLUMNS = (
    "public_id",
    "reference",
    "status",
    "submitted_at",
    "due_at",
    "minor_at_referral",
    "sex_trafficking",
    "labor_trafficking",
    "county_of_residence",
    "assigned_reviewer",
    "organization",
)


# The orders a reviewer may ask for in the query string (?sort=), by name; anything else is the
# usual order (QUEUE_ORDER). The id breaks ties, so a page never repeats or skips a row.
QUEUE_SORTS = {
    "received": (F("submitted_at").asc(), F("id").asc()),
    "-received": (F("submitted_at").desc(), F("id").desc()),
}


# --- the queue -----------------------------------------------------------------------------------
def may_review(user) -> bool:
    return in_role_set(user, STATE_TEAM) and user.is_active


def _queue_base(user) -> QuerySet[Referral]:
    """The queue lists every open referral to everyone in STATE_TEAM, administrators too: its
    columns (QUEUE_COLUMNS) hold no name, contact or narrative."""
    if not may_review(user):
        return Referral.objects.none()
    return referral_selectors.referrals_listed_for(user).filter(status__in=QUEUE_STATUSES)


def _apply_filters(referrals, user, filters: dict) -> QuerySet[Referral]:
    if filters.get("county"):
        referrals = referrals.filter(county_of_residence=filters["county"])
    kind = filters.get("trafficking")
    if kind == "sex":
        referrals = referrals.filter(sex_trafficking=True)
    elif kind == "labor":
        referrals = referrals.filter(labor_trafficking=True)
    elif kind == "both":
        referrals = referrals.filter(sex_trafficking=True, labor_trafficking=True)
    if filters.get("minor") in ("yes", "no"):
        referrals = referrals.filter(minor_at_referral=filters["minor"] == "yes")
    reviewer = filters.get("reviewer")
    if reviewer == "mine":
        referrals = referrals.filter(assigned_reviewer=user)
    elif reviewer == "unassigned":
        referrals = referrals.filter(assigned_reviewer__isnull=True)
    if filters.get("reference"):
        referrals = referrals.filter(reference=filters["reference"])
    return referrals


def review_queue(user, filters: dict | None = None, sort: str = "") -> QuerySet[Referral]:
    """Open referrals (and appeals), answered questions first ("information provided"), then
    by deadline; or in a QUEUE_SORTS order when asked. One query per page, whatever the number
    of referrals: the columns the list shows, its county and reviewer joined, the paused clock
    as a subquery."""
    filters = filters or {}
    referrals = _apply_filters(_queue_base(user), user, filters)
    if filters.get("status") in QUEUE_STATUSES:
        referrals = referrals.filter(status=filters["status"])
    return (
        referrals.select_related("county_of_residence", "assigned_reviewer")
        .only(
            *QUEUE_COLUMNS,
            "county_of_residence__name",
            "assigned_reviewer__first_name",
            "assigned_reviewer__last_name",
            "assigned_reviewer__username",
        )
        .annotate(information_provided=INFORMATION_PROVIDED, clock_paused=open_clock_pause())
        .order_by(*QUEUE_SORTS.get(sort, QUEUE_ORDER))  # default: referral_queue_order_idx
    )


def status_counts(user, filters: dict | None = None) -> list[dict]:
    """How many referrals in each queue status, under the other filters. One query."""
    referrals = _apply_filters(_queue_base(user), user, filters or {})
    # Counting the status column itself, not the id: with no other filter, PostgreSQL answers
    # from referral_queue_idx alone (an index-only scan) instead of reading every open row.
    totals = referrals.aggregate(
        **{status: Count("status", filter=Q(status=status)) for status in QUEUE_STATUSES}
    )
    return [
        {"status": status, "label": Status(status).label, "count": totals[status] or 0}
        for status in QUEUE_STATUSES
    ]


def with_time_left(rows, now: datetime) -> list:
    for row in rows:
        row.time_left = time_left(row.due_at, now, paused=getattr(row, "clock_paused", False))
    return rows


# --- the case page -------------------------------------------------------------------------------
def _cases(user) -> QuerySet[Referral]:
    if not may_review(user):
        raise Http404("No such referral")
    return (
        referral_selectors.referrals_visible_to(user)
        .exclude(status=Status.DRAFT)
        .select_related(
            "organization",
            "county_of_residence",
            "assigned_reviewer",
            "submitted_by",
        )
        .annotate(clock_paused=open_clock_pause())
    )


def case_for(user, public_id) -> Referral:
    return get_object_or_404(_cases(user), public_id=public_id)


# The case page reads in its referral query the trafficking counties' names, the possible
# duplicates, and whether the rows that are usually absent (a decision, the appeal,
# extensions, break-glass grants) exist at all, and reads those only when they do, so its
# number of statements has a fixed maximum (issue 13). The decisions and the appeal are read
# apart from the referral: joined to it, with their people and counties, the query had
# seventeen tables, and building and planning it took longer than the rest of the page's
# statements take to run.
DECISIONS = {"initial_decision": DecisionStage.INITIAL, "appeal_decision": DecisionStage.APPEAL}
DECISION_RELATED = ("decided_by", "county_of_residence")
APPEAL_RELATED = ("filed_by", "declined_by", "decided_by")


def _linked(referral_field: str, other_field: str) -> ArraySubquery:
    """The referrals linked to this one as possible duplicates in one direction, as JSON rows:
    read in the referral's own query rather than in a statement of their own."""
    other = f"{other_field}__"
    rows = Referral.possible_duplicates.through.objects.filter(
        **{referral_field: OuterRef("pk")}
    ).values(
        row=JSONObject(
            id=f"{other}id",
            public_id=f"{other}public_id",
            reference=f"{other}reference",
            status=f"{other}status",
            submitted_at=f"{other}submitted_at",
        )
    )
    return ArraySubquery(rows)


def _possible_duplicates(referral: Referral) -> list[Referral]:
    """The linked referrals of both directions, once each, oldest first: reference, status
    and date only (display copies, never saved)."""
    rows = {row["id"]: row for row in referral.linked_from + referral.linked_to}.values()
    duplicates = [
        Referral(
            id=row["id"],
            public_id=row["public_id"],
            reference=row["reference"],
            status=row["status"],
            submitted_at=parse_datetime(row["submitted_at"]) if row["submitted_at"] else None,
        )
        for row in rows
    ]
    return sorted(duplicates, key=_oldest_first)


def _oldest_first(referral: Referral) -> tuple:
    submitted = referral.submitted_at
    return (submitted is not None, submitted.timestamp() if submitted else 0, referral.id)


def case_page_for(user, public_id) -> Referral:
    """The referral for the case page (case_for, with the rows above)."""
    county_names = Referral.trafficking_counties.through.objects.filter(
        referral=OuterRef("pk")
    ).values("county__name")
    referral = get_object_or_404(
        _cases(user).annotate(
            county_names=ArraySubquery(county_names.order_by("county__name")),
            has_decisions=Exists(Decision.objects.filter(referral=OuterRef("pk"))),
            has_appeal=Exists(Appeal.objects.filter(referral=OuterRef("pk"))),
            linked_from=_linked("from_referral", "to_referral"),
            linked_to=_linked("to_referral", "from_referral"),
            has_extensions=Exists(Extension.objects.filter(referral=OuterRef("pk"))),
            has_break_glass_grants=Exists(BreakGlassGrant.objects.filter(referral=OuterRef("pk"))),
        ),
        public_id=public_id,
    )
    # A decided appeal comes with its decision; only one still waiting is read on its own.
    decisions = (
        list(
            referral.decisions.select_related(
                *DECISION_RELATED, *(f"appeal__{field}" for field in APPEAL_RELATED)
            )
        )
        if referral.has_decisions
        else []
    )
    for name, stage in DECISIONS.items():
        setattr(referral, name, next((d for d in decisions if d.stage == stage), None))
    appeal = next((d.appeal for d in decisions if getattr(d, "appeal", None)), None)
    if appeal is None and referral.has_appeal:
        appeal = Appeal.objects.select_related(*APPEAL_RELATED).filter(referral=referral).first()
    # Cached on the referral as select_related would: None reads as "no appeal".
    Referral.decline_appeal.related.set_cached_value(referral, appeal)
    return referral


def may_open_case(user, referral: Referral) -> bool:
    """Whether the case page would open for this person (an administrator: only under an
    active break-glass grant)."""
    return (
        may_review(user)
        and referral_selectors.referrals_visible_to(user).filter(pk=referral.pk).exists()
    )


# An administrator manages assignments without seeing the case: these columns only.
SUMMARY_COLUMNS = (
    "public_id",
    "reference",
    "status",
    "version",
    "assigned_reviewer",
    "submitted_at",
    "due_at",
    "decided_at",
)


def case_summary_for(user, public_id) -> Referral:
    """A submitted referral's reference, status, dates and reviewer, without its personal
    fields: for release and reassignment (the services decide who may act) and the
    administrator's break-glass page. Any submitted referral, for the queue's roles."""
    if not may_review(user):
        raise Http404("No such referral")
    return get_object_or_404(
        referral_selectors.referrals_listed_for(user)
        .select_related("assigned_reviewer")
        .only(
            *SUMMARY_COLUMNS,
            "assigned_reviewer__first_name",
            "assigned_reviewer__last_name",
            "assigned_reviewer__username",
        ),
        public_id=public_id,
    )


def _appeal(referral: Referral):
    try:
        return referral.decline_appeal
    except Referral.decline_appeal.RelatedObjectDoesNotExist:
        return None


def case_context(user, referral: Referral, now: datetime | None = None) -> dict:
    """What the case page shows, for a referral from case_page_for: one query per list, and
    none for a usually-empty list its referral query found empty."""
    now = now or timezone.now()
    decisions = [getattr(referral, name, None) for name in DECISIONS]  # None: not decided
    grants = (
        list(referral.break_glass_grants.select_related("granted_to"))
        if referral.has_break_glass_grants
        else []
    )
    return {
        "referral": referral,
        "counties": referral.county_names,
        "attachments": referral.attachments.select_related("information_request"),
        "notices": referral_selectors.notices_visible_to(user, referral),
        "events": referral_selectors.timeline_for(user, referral),
        "information_requests": referral.information_requests.select_related(
            "requested_by", "responded_by"
        ),
        "consultations": referral.consultations.select_related("recorded_by"),
        "extensions": referral.extensions.select_related("granted_by")
        if referral.has_extensions
        else [],
        "decisions": [decision for decision in decisions if decision is not None],
        "appeal": _appeal(referral),
        "duplicates": _possible_duplicates(referral),
        "deliveries": deliveries_of_referral(referral),
        "viewers": viewers_of(referral.public_id),
        "break_glass_grants": grants,
        # The administrator's own grant, the one that lets them see the page (break_glass
        # .active_grant, read from the grants above).
        "break_glass": max(
            (grant for grant in grants if is_active(grant, user, now)),
            key=lambda grant: grant.expires_at,
            default=None,
        ),
        "time_left": time_left(referral.due_at, now, paused=referral.clock_paused)
        if in_queue(referral)
        else None,
    }

"""The closed loop: what each receiving organization did with the confirmed cases sent to it.
The 2025 audit's question, so the first table on the statistics page.

One delivery is one confirmed person sent to one organization (a person may be sent to both a
district and an RHTP provider). A delivery counts in the period in which it was routed.
"""

import uuid

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from routing.models import Destination, Outcome, OutcomeReport, RoutingDelivery

from .filters import ReportFilters
from .sql import CountOf, DaysBetween, Percentile, grouping_sets
from .tables import COUNT, DAYS, SHARE, Column, Row, Table

# Outcomes that mean somebody spoke with the person (declining services is an answer too).
REACHED = [
    Outcome.CONTACTED,
    Outcome.SERVICES_STARTED,
    Outcome.BENEFITS_APPLIED,
    Outcome.DECLINED_SERVICES,
]


def _reports(outcomes):
    return OutcomeReport.objects.filter(delivery=OuterRef("pk"), outcome__in=outcomes)


def reached_at():
    """When the person was first reached (None: never). Written into each aggregate rather
    than annotated: an aggregate over an annotation makes Django wrap the query."""
    first = _reports(REACHED).order_by().values("delivery").annotate(first=Min("reported_at"))
    return Subquery(first.values("first"))


def measures(now) -> dict[str, tuple[str, Q]]:
    """Each counted figure: its label and which deliveries it counts. The drill-down lists the
    same deliveries, so a figure and its list never disagree."""
    reached = Q(Exists(_reports(REACHED)))
    return {
        "routed": ("Sent", Q()),
        "acknowledged_on_time": (
            "Acknowledged on time", Q(acknowledged_at__lte=F("acknowledge_due_at"))),
        "reported_on_time": (
            "First contact reported on time", Q(first_outcome_at__lte=F("first_contact_due_at"))),
        "reached": ("Person reached", reached),
        "could_not_reach": (
            "Could not reach (and not reached since)",
            Q(Exists(_reports([Outcome.COULD_NOT_REACH]))) & ~reached),
        "open_past_deadline": (
            "No contact reported, past the deadline",
            Q(first_outcome_at__isnull=True, first_contact_due_at__lt=now)),
        "acknowledged": ("Acknowledged", Q(acknowledged_at__isnull=False)),
        "services_started": ("Services started", Q(Exists(_reports([Outcome.SERVICES_STARTED])))),
    }  # fmt: skip


COLUMNS = [
    Column("routed", "Sent"),
    Column("acknowledged_on_time", "Acknowledged on time"),
    Column("acknowledged_on_time_share", "Share acknowledged on time", SHARE,
           of=("acknowledged_on_time", "routed")),
    Column("reported_on_time", "First contact reported on time"),
    Column("reported_on_time_share", "Share with first contact reported on time", SHARE,
           of=("reported_on_time", "routed")),
    Column("reached", "Reached"),
    Column("reached_share", "Share reached at all", SHARE, of=("reached", "routed")),
    Column("could_not_reach", "Could not reach"),
    Column("could_not_reach_share", "Share could not reach", SHARE,
           of=("could_not_reach", "routed")),
    Column("open_past_deadline", "Open past deadline"),
    Column("open_past_deadline_share", "Share still open past the deadline", SHARE,
           of=("open_past_deadline", "routed")),
    Column("median_days_to_contact",
           "Median business days, confirmation to first contact", DAYS, cases="reached"),
]  # fmt: skip
FUNNEL = ["routed", "acknowledged", "reached", "services_started"]


def deliveries(filters: ReportFilters):
    """Deliveries routed in the period."""
    return RoutingDelivery.objects.filter(
        filters.during("routed_at"), filters.referral_q("referral__")
    ).order_by()


def cases(queryset, now, **dimensions):
    """One row per delivery of `queryset`: the `dimensions` (name: expression) to group by,
    whether each counted figure counts it, and when the person was confirmed and first
    reached (PER_CASE counts the business days between)."""
    facts = {
        key: ExpressionWrapper(q, output_field=BooleanField())
        for key, (_label, q) in measures(now).items()
        if q
    }
    # The first reach is looked up only for the deliveries reached at all (EXISTS over the
    # reports is one hashed read of them, not a subquery per delivery).
    first_reached = Case(When(Exists(_reports(REACHED)), then=reached_at()), default=None)
    return queryset.values(
        **dimensions, **facts, confirmed_at=F("referral__decided_at"), reached_at=first_reached
    )


# Business days from confirmation to first contact, over the reached cases.
PER_CASE = {"days_to_contact": DaysBetween("confirmed_at", "reached_at")}


def _measures(now) -> dict:
    counted = {key: CountOf(key if q else None) for key, (_label, q) in measures(now).items()}
    return {**counted, "median_days_to_contact": Percentile("days_to_contact", 0.5)}


def figures(queryset, now, groupings=((),), **dimensions):
    """The loop figures of `queryset` in each grouping of `dimensions` (by default only the
    total, (): one row). One query."""
    return grouping_sets(cases(queryset, now, **dimensions), groupings, _measures(now), PER_CASE)


KIND_LABELS = {
    Destination.DISTRICT: "All local departments of social services",
    Destination.RHTP_PROVIDER: "All RHTP providers",
}


def loop_table(filters: ReportFilters, now=None) -> Table:
    """Statewide, then each destination kind followed by its organizations. One query."""
    now = now or timezone.now()
    org = ("kind", "org_id", "org_name")
    found = figures(
        deliveries(filters),
        now,
        [(), ("kind",), org],
        kind=F("destination"),
        org_id=F("organization__public_id"),
        org_name=F("organization__name"),
    )
    [statewide] = found[()]
    by_kind = {row["kind"]: row for row in found[("kind",)]}
    by_org = found[org]
    total = Row("loop:all", "Statewide", statewide, group=True, scope="all")
    rows, lines = [total], []
    kind_keys = []
    for kind in Destination.values:
        kind_row = Row(
            f"loop:{kind}",
            KIND_LABELS[kind],
            by_kind.get(kind, empty(now)),
            group=True,
            scope=kind,
        )
        members = sorted((r for r in by_org if r["kind"] == kind), key=lambda r: r["org_name"])
        org_rows = [
            Row(f"loop:org:{r['org_id']}", r["org_name"], r, scope=str(r["org_id"]))
            for r in members
        ]
        rows += [kind_row, *org_rows]
        kind_keys.append(kind_row.key)
        lines += _sum_lines([r.key for r in org_rows], kind_row.key)
    lines += _sum_lines(kind_keys, total.key)
    return Table(
        slug="closed-loop",
        title="The closed loop: what happened after confirmation",
        row_heading="Receiving organization",
        columns=COLUMNS,
        rows=rows,
        lines=lines,
        note="Each case sent to an organization counts once, in the period in which it was sent.",
    )


def _sum_lines(part_keys, whole_key):
    if not part_keys:
        return []
    return [
        [*((key, c.key) for key in part_keys), (whole_key, c.key)]
        for c in COLUMNS
        if c.kind == COUNT
    ]


def empty(now) -> dict:
    return dict.fromkeys(measures(now), 0) | {"median_days_to_contact": None}


def drill_down(filters: ReportFilters, *, scope: str, measure: str, now=None):
    """The deliveries behind one figure of the loop table: ids, reference numbers, dates and
    states only (no names). `scope` is "all", a destination kind or an organization's public
    id; an unknown scope or measure is None (the view answers 404)."""
    now = now or timezone.now()
    known = measures(now)
    if measure not in known:
        return None
    queryset = (
        deliveries(filters)
        .filter(known[measure][1])
        .annotate(
            reached_at=reached_at(), could_not_reach=Exists(_reports([Outcome.COULD_NOT_REACH]))
        )
    )
    if scope in Destination.values:
        queryset = queryset.filter(destination=scope)
    elif scope != "all":
        try:
            uuid.UUID(scope)
        except ValueError:
            return None
        queryset = queryset.filter(organization__public_id=scope)
    return known[measure][0], queryset.select_related("referral", "organization").only(
        "public_id",
        "destination",
        "routed_at",
        "acknowledged_at",
        "acknowledge_due_at",
        "first_outcome_at",
        "first_contact_due_at",
        "state",
        "referral__reference",
        "referral__status",
        "referral__decided_at",
        "organization__name",
    ).order_by("routed_at", "pk")

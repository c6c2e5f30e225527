"""Referrals and decisions: how many were received and what became of them, by trafficking
type, age group, kind of referring organization and county of residence; how long decisions
took in business days; decisions by month.

A referral counts in the period in which it was received (submitted). Time to decision and
decisions by month count first decisions made in the period (an appeal's decision is counted
as an overturn or not, never as a second decision).
"""

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncMonth

from accounts.models import Organization
from confirmations.models import ClockPause, Decision, Extension
from referral_portal.business_days import NEW_YORK
from referral_portal.models import County
from referrals.models import InformationRequest, Referral, Status

from .filters import ReportFilters
from .sql import BusinessDays, ClockDue, Percentile
from .tables import COUNT, DAYS, SHARE, Column, Row, Table, grid

AWAITING = [Status.SUBMITTED, Status.INFO_REQUESTED, Status.INFO_PROVIDED, Status.APPEALED]
OUTCOME_PARTS = ["confirmed", "declined", "withdrawn", "awaiting"]
OUTCOME_COLUMNS = [
    Column("received", "Received"),
    Column("confirmed", "Confirmed"),
    Column("declined", "Declined"),
    Column("withdrawn", "Withdrawn"),
    Column("awaiting", "Awaiting a decision"),
    Column("appealed", "Appealed"),
    Column("overturned", "Overturned on appeal"),
    Column("confirmed_share", "Share confirmed", SHARE, of=("confirmed", "received")),
]
OUTCOME_COUNTS = [c.key for c in OUTCOME_COLUMNS if c.kind == COUNT]
TOTAL_KEY = "referrals:all"

TRAFFICKING_TYPES = {
    "sex": "Sex trafficking",
    "labor": "Labor trafficking",
    "both": "Sex and labor trafficking",
    "none": "Not given",
}
AGE_GROUPS = {"minor": "Minors (under 18 when referred)", "adult": "Adults"}
REFERRER_KINDS = {
    kind.value: kind.label for kind in Organization.Kind if kind in Organization.REFERRING_KINDS
}


def received(filters: ReportFilters):
    return (
        Referral.objects.exclude(status=Status.DRAFT)
        .filter(filters.during("submitted_at"), filters.referral_q())
        .order_by()
    )


def _outcome_counts():
    return {
        "received": Count("pk"),
        "confirmed": Count("pk", filter=Q(status=Status.CONFIRMED)),
        "declined": Count("pk", filter=Q(status=Status.DECLINED)),
        "withdrawn": Count("pk", filter=Q(status=Status.WITHDRAWN)),
        "awaiting": Count("pk", filter=Q(status__in=AWAITING)),
        "appealed": Count("pk", filter=Q(decline_appeal__isnull=False)),
        "overturned": Count("pk", filter=Q(decline_appeal__outcome="overturned")),
    }


TRAFFICKING_TYPE = Case(
    When(sex_trafficking=True, labor_trafficking=True, then=Value("both")),
    When(sex_trafficking=True, then=Value("sex")),
    When(labor_trafficking=True, then=Value("labor")),
    default=Value("none"),
    output_field=CharField(),
)
AGE_GROUP = Case(
    When(minor_at_referral=True, then=Value("minor")),
    default=Value("adult"),
    output_field=CharField(),
)


def _grouped(queryset, expression) -> dict:
    rows = queryset.annotate(group=expression).values("group").annotate(**_outcome_counts())
    return {row["group"]: row for row in rows}


def _table(slug, title, heading, prefix, labels: dict, found: dict, total: Row) -> Table:
    rows = [
        Row(f"{prefix}:{key}", label, found.get(key, dict.fromkeys(OUTCOME_COUNTS, 0)))
        for key, label in labels.items()
        if key in found or prefix != "county"
    ]
    return Table(
        slug=slug,
        title=title,
        row_heading=heading,
        columns=OUTCOME_COLUMNS,
        rows=[*rows, total],
        lines=grid(rows, total, OUTCOME_COUNTS, whole="received", parts=OUTCOME_PARTS),
    )


def outcome_tables(filters: ReportFilters) -> list[Table]:
    """Four tables, one query each; their shared total row is the sum of any of them."""
    base = received(filters)
    by_type = _grouped(base, TRAFFICKING_TYPE)
    by_age = _grouped(base, AGE_GROUP)
    by_kind = _grouped(base, F("organization__kind"))
    by_county = _grouped(base, Coalesce(F("county_of_residence_id"), Value(0)))
    totals = {key: sum(row[key] for row in by_type.values()) for key in OUTCOME_COUNTS}
    total = Row(TOTAL_KEY, "All referrals", totals, group=True)
    names = dict(County.objects.filter(pk__in=by_county).values_list("pk", "name"))
    counties = {
        pk: names.get(pk, "Not given")
        for pk in sorted(by_county, key=lambda pk: (pk == 0, names.get(pk, "")))
    }
    return [
        _table("by-trafficking-type", "Referrals by trafficking type", "Trafficking type",
               "type", TRAFFICKING_TYPES, by_type, total),
        _table("by-age-group", "Referrals of minors and adults", "Age group", "age",
               AGE_GROUPS, by_age, total),
        _table("by-referring-organization", "Referrals by kind of referring organization",
               "Referring organization", "kind", REFERRER_KINDS, by_kind, total),
        _table("by-county", "Referrals by county of residence", "County of residence",
               "county", counties, by_county, total),
    ]  # fmt: skip


# --- time to decision --------------------------------------------------------------------
def first_decisions(filters: ReportFilters):
    return Decision.objects.filter(
        filters.during("decided_at"),
        filters.referral_q("referral__"),
        stage=Decision.Stage.INITIAL,
    ).order_by()


def _per_referral(model, field, value):
    """A subquery: `value` summed over the referral's rows of `model` (None when it has none)."""
    rows = model.objects.filter(**{field: OuterRef("referral_id")}).order_by()
    return Subquery(
        rows.values(field).annotate(total=value).values("total"), output_field=IntegerField()
    )


def _latest_before(model, due_field, moment_field):
    rows = model.objects.filter(
        referral=OuterRef("referral_id"), **{f"{moment_field}__lte": OuterRef("decided_at")}
    )
    return Subquery(rows.order_by(f"-{due_field}").values(due_field)[:1])


def deadline_in_force():
    """The deadline the first decision had to meet: the decision clock from receipt, moved by
    any extension granted and any clock pause ended before the decision. (The referral's own
    due date cannot be used: an appeal gives it a new one.)"""
    return Greatest(
        ClockDue(F("referral__submitted_at"), settings.REFERRAL_DECISION_BUSINESS_DAYS),
        _latest_before(Extension, "new_due_at", "granted_at"),
        _latest_before(ClockPause, "due_at_after", "resumed_at"),
    )


DAYS_TO_DECISION = BusinessDays(F("referral__submitted_at"), F("decided_at"))
TIME_COLUMNS = [
    Column("decided", "First decisions"),
    Column("median_days", "Median business days to decision", DAYS, cases="decided"),
    Column("p90_days", "90th percentile, business days", DAYS, cases="decided"),
    Column("by_deadline", "Decided by the deadline"),
    Column("by_deadline_share", "Share decided by the deadline", SHARE,
           of=("by_deadline", "decided")),
    Column("extended", "With an extension"),
    Column("extension_days", "Median business days an extension added", DAYS,
           cases="extended"),
    Column("asked", "With an information request"),
    Column("waiting_days", "Median business days waiting for answers", DAYS, cases="asked"),
]  # fmt: skip
TIME_COUNTS = [c.key for c in TIME_COLUMNS if c.kind == COUNT]


def time_to_decision(filters: ReportFilters) -> Table:
    """One query over the first decisions of the period."""
    extension_days = _per_referral(
        Extension, "referral", Sum(BusinessDays(F("previous_due_at"), F("new_due_at")))
    )
    waiting_days = _per_referral(
        InformationRequest,
        "referral",
        Sum(BusinessDays(F("requested_at"), Coalesce(F("responded_at"), OuterRef("decided_at")))),
    )
    # Written into each aggregate, not annotated: aggregating over annotations makes Django
    # wrap the query in a subquery that loses them.
    has_extension = Q(Exists(Extension.objects.filter(referral=OuterRef("referral_id"))))
    was_asked = Q(Exists(InformationRequest.objects.filter(referral=OuterRef("referral_id"))))
    figures = first_decisions(filters).aggregate(
        decided=Count("pk"),
        median_days=Percentile(DAYS_TO_DECISION, 0.5),
        p90_days=Percentile(DAYS_TO_DECISION, 0.9),
        by_deadline=Count("pk", filter=Q(decided_at__lte=deadline_in_force())),
        extended=Count("pk", filter=has_extension),
        extension_days=Percentile(extension_days, 0.5),
        asked=Count("pk", filter=was_asked),
        waiting_days=Percentile(waiting_days, 0.5),
    )
    row = Row("time:all", "All first decisions", figures, group=True)
    return Table(
        slug="time-to-decision",
        title="Time to decision, in New York State business days",
        row_heading="Decisions",
        columns=TIME_COLUMNS,
        rows=[row],
        note="Business days after the day of receipt up to and including the day of the "
        "decision; weekends and State holidays are not counted.",
    )


DAY_BUCKETS = [(n, f"{n} business day{'s' if n != 1 else ''}") for n in range(6)] + [
    (6, "6 or more business days")
]


def decision_days(filters: ReportFilters) -> Table:
    """How many first decisions took 0, 1, ... 6 or more business days. One query."""
    found = dict(
        first_decisions(filters)
        .annotate(bucket=Least(DAYS_TO_DECISION, Value(6)))
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    columns = [Column("decided", "First decisions")]
    rows = [Row(f"days:{n}", label, {"decided": found.get(n, 0)}) for n, label in DAY_BUCKETS]
    total = Row("days:all", "All first decisions", {"decided": sum(found.values())}, group=True)
    return Table(
        slug="decision-days",
        title="First decisions by business days taken",
        row_heading="Time to decision",
        columns=columns,
        rows=[*rows, total],
        lines=grid(rows, total, ["decided"]),
    )


def decisions_by_month(filters: ReportFilters) -> Table:
    """First decisions in each month of the period, confirmed and declined. One query."""
    found = {
        row["month"].date(): row
        for row in first_decisions(filters)
        .annotate(month=TruncMonth("decided_at", tzinfo=NEW_YORK))
        .values("month")
        .annotate(confirmed=Count("pk", filter=Q(outcome=Decision.Outcome.CONFIRMED)),
                  declined=Count("pk", filter=Q(outcome=Decision.Outcome.DECLINED)))
    }  # fmt: skip
    rows, month = [], filters.start.replace(day=1)
    while month <= filters.end:
        values = found.get(month, {"confirmed": 0, "declined": 0})
        values = {"confirmed": values["confirmed"], "declined": values["declined"]}
        rows.append(
            Row(
                f"month:{month:%Y-%m}",
                f"{month:%B %Y}",
                values | {"decided": values["confirmed"] + values["declined"]},
            )
        )
        month = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
    totals = {key: sum(r.values[key] for r in rows) for key in ("confirmed", "declined", "decided")}
    total = Row("month:all", "All months", totals, group=True)
    columns = [
        Column("confirmed", "Confirmed"),
        Column("declined", "Declined"),
        Column("decided", "All first decisions"),
    ]
    return Table(
        slug="decisions-by-month",
        title="First decisions by month",
        row_heading="Month",
        columns=columns,
        rows=[*rows, total],
        lines=grid(
            rows,
            total,
            ["confirmed", "declined", "decided"],
            whole="decided",
            parts=["confirmed", "declined"],
        ),
    )

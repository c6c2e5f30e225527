"""Referrals and decisions: how many were received and what became of them, by trafficking
type, age group, kind of referring organization and county of residence; how long decisions
took in business days; decisions by month.

A referral counts in the period in which it was received (submitted). Time to decision and
decisions by month count first decisions made in the period (an appeal's decision is counted
as an overturn or not, never as a second decision).
"""

from collections import Counter

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth

from accounts.models import Organization
from confirmations.models import ClockPause, Decision, Extension
from referral_portal.business_days import NEW_YORK
from referrals.models import InformationRequest, Referral, Status

from .filters import ReportFilters
from .sql import BusinessDays, ByDeadline, CountOf, DaysBetween, Percentile, grouping_sets
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


def _facts(conditions: dict) -> dict:
    return {key: ExpressionWrapper(q, output_field=BooleanField()) for key, q in conditions.items()}


OUTCOMES = {
    "confirmed": Q(status=Status.CONFIRMED),
    "declined": Q(status=Status.DECLINED),
    "withdrawn": Q(status=Status.WITHDRAWN),
    "awaiting": Q(status__in=AWAITING),
    "appealed": Q(decline_appeal__isnull=False),
    "overturned": Q(decline_appeal__outcome="overturned"),
}
OUTCOME_MEASURES = {"received": CountOf(), **{key: CountOf(key) for key in OUTCOMES}}


def outcome_cases(queryset, **dimensions):
    """One row per referral of `queryset`: the `dimensions` and which outcome counts it."""
    return queryset.values(**dimensions, **_facts(OUTCOMES))


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


BY = {
    "trafficking_type": ("by-trafficking-type", "Referrals by trafficking type", "Trafficking type",
                         "type", TRAFFICKING_TYPES),
    "age_group": ("by-age-group", "Referrals of minors and adults", "Age group", "age",
                  AGE_GROUPS),
    "referrer_kind": ("by-referring-organization", "Referrals by kind of referring organization",
                      "Referring organization", "kind", REFERRER_KINDS),
}  # fmt: skip
COUNTY = ("county_id", "county_name")


def outcome_tables(filters: ReportFilters) -> list[Table]:
    """Four tables from one query; their shared total row is the referrals of the period."""
    found = grouping_sets(
        outcome_cases(
            received(filters),
            trafficking_type=TRAFFICKING_TYPE,
            age_group=AGE_GROUP,
            referrer_kind=F("organization__kind"),
            county_id=F("county_of_residence_id"),
            county_name=F("county_of_residence__name"),
        ),
        [(), *((dimension,) for dimension in BY), COUNTY],
        OUTCOME_MEASURES,
    )
    [totals] = found[()]
    total = Row(TOTAL_KEY, "All referrals", totals, group=True)
    tables = [
        _table(slug, title, heading, prefix, labels,
               {row[dimension]: row for row in found[(dimension,)]}, total)
        for dimension, (slug, title, heading, prefix, labels) in BY.items()
    ]  # fmt: skip
    # Counties by name, then referrals without one (key 0).
    by_county = {row["county_id"] or 0: row for row in found[COUNTY]}
    names = {row["county_id"] or 0: row["county_name"] or "Not given" for row in found[COUNTY]}
    counties = {pk: names[pk] for pk in sorted(names, key=lambda pk: (pk == 0, names[pk]))}
    tables.append(
        _table("by-county", "Referrals by county of residence", "County of residence",
               "county", counties, by_county, total)
    )  # fmt: skip
    return tables


# --- time to decision --------------------------------------------------------------------
def first_decisions(filters: ReportFilters):
    return Decision.objects.filter(
        filters.during("decided_at"),
        filters.referral_q("referral__"),
        stage=Decision.Stage.INITIAL,
    ).order_by()


def _has(model) -> Q:
    """Whether the decision's referral has any row of `model`. An IN over the whole (small)
    table: PostgreSQL reads it once into a hash, where EXISTS would run a subquery per case."""
    return Q(referral_id__in=model.objects.values("referral_id"))


def _if_any(model, value):
    """`value`, a subquery over the referral's rows of `model`, run only for the cases that
    have any (few: most referrals have no extension, information request or clock pause);
    NULL for the others, as the subquery itself would give."""
    return Case(When(_has(model), then=value), default=None)


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


def decision_per_case() -> dict:
    """Per first decision, from the columns decision_cases() gives it: the business days taken,
    and whether it met the deadline in force at that moment: the decision clock from receipt,
    moved by any extension granted and any clock pause ended before the decision. (The
    referral's own due date cannot be used: an appeal gives it a new one.)"""
    return {
        "days": DaysBetween("received_at", "decided_at"),
        "by_deadline": ByDeadline(
            "decided_at",
            "received_at",
            settings.REFERRAL_DECISION_BUSINESS_DAYS,
            moved_to=("extended_to", "paused_to"),
        ),
    }


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


DAY_BUCKETS = [(n, f"{n} business day{'s' if n != 1 else ''}") for n in range(6)] + [
    (6, "6 or more business days")
]
DECISION_MEASURES = {
    "decided": CountOf(),
    "confirmed": CountOf("confirmed"),
    "declined": CountOf("declined"),
    "median_days": Percentile("days", 0.5),
    "p90_days": Percentile("days", 0.9),
    "by_deadline": CountOf("by_deadline"),
    "extended": CountOf("extended"),
    "extension_days": Percentile("extension_days", 0.5),
    "asked": CountOf("asked"),
    "waiting_days": Percentile("waiting_days", 0.5),
}


def decision_cases(filters: ReportFilters):
    """One row per first decision of the period: its month, the facts the time-to-decision
    table counts, and the moments decision_per_case() works out the rest from."""
    extension_days = _per_referral(
        Extension, "referral", Sum(BusinessDays(F("previous_due_at"), F("new_due_at")))
    )
    waiting_days = _per_referral(
        InformationRequest,
        "referral",
        Sum(BusinessDays(F("requested_at"), Coalesce(F("responded_at"), OuterRef("decided_at")))),
    )
    facts = _facts({
        "confirmed": Q(outcome=Decision.Outcome.CONFIRMED),
        "declined": Q(outcome=Decision.Outcome.DECLINED),
        "extended": _has(Extension),
        "asked": _has(InformationRequest),
    })  # fmt: skip
    return first_decisions(filters).values(
        "decided_at",
        received_at=F("referral__submitted_at"),
        extended_to=_if_any(Extension, _latest_before(Extension, "new_due_at", "granted_at")),
        paused_to=_if_any(ClockPause, _latest_before(ClockPause, "due_at_after", "resumed_at")),
        month=TruncMonth("decided_at", tzinfo=NEW_YORK),
        extension_days=_if_any(Extension, extension_days),
        waiting_days=_if_any(InformationRequest, waiting_days),
        **facts,
    )


def decision_tables(filters: ReportFilters) -> list[Table]:
    """Time to decision, decisions by business days taken and by month: one query over the
    first decisions of the period."""
    found = grouping_sets(
        decision_cases(filters), [(), ("days",), ("month",)], DECISION_MEASURES, decision_per_case()
    )
    [totals] = found[()]
    by_month = {row["month"].date(): row for row in found[("month",)]}
    # Grouped by the days themselves (a few dozen groups), so that each decision's business
    # days are worked out once; the long tail is folded into the last bucket here.
    last = DAY_BUCKETS[-1][0]
    by_bucket = Counter()
    for row in found[("days",)]:
        by_bucket[min(row["days"], last)] += row["decided"]
    return [
        time_to_decision(totals),
        decision_days(by_bucket, totals["decided"]),
        decisions_by_month(filters, by_month),
    ]


def time_to_decision(totals: dict) -> Table:
    values = {column.key: totals[column.key] for column in TIME_COLUMNS if column.kind != SHARE}
    row = Row("time:all", "All first decisions", values, group=True)
    return Table(
        slug="time-to-decision",
        title="Time to decision, in New York State business days",
        row_heading="Decisions",
        columns=TIME_COLUMNS,
        rows=[row],
        note="Business days after the day of receipt up to and including the day of the "
        "decision; weekends and State holidays are not counted.",
    )


def decision_days(by_bucket: dict, decided: int) -> Table:
    """How many first decisions took 0, 1, ... 6 or more business days."""
    columns = [Column("decided", "First decisions")]
    rows = [Row(f"days:{n}", label, {"decided": by_bucket.get(n, 0)}) for n, label in DAY_BUCKETS]
    total = Row("days:all", "All first decisions", {"decided": decided}, group=True)
    return Table(
        slug="decision-days",
        title="First decisions by business days taken",
        row_heading="Time to decision",
        columns=columns,
        rows=[*rows, total],
        lines=grid(rows, total, ["decided"]),
    )


def decisions_by_month(filters: ReportFilters, found: dict) -> Table:
    """First decisions in each month of the period, confirmed and declined."""
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

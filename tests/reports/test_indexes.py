"""The statistics read the cases of a period from an index on the period's column, not by
scanning whole tables: referrals by when they were received (referral_submitted_idx), first
decisions by when they were made (decision_stage_decided_idx) and deliveries by when they were
sent (delivery_recent_idx). The page's own statements are explained, with sequential scans
discouraged: a test table is too small for the planner to bother with an index, and what is
asserted is that an index can serve the period. (On tiny tables PostgreSQL may equally choose
a skip scan of another index whose second column is the period's: either way the period is an
index condition.)"""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from reports.filters import ReportFilterForm
from reports.statistics import statistics
from tests.reports.dataset import NOW

pytestmark = pytest.mark.django_db
EARLIER_YEARS = 8


def _copy_rows(model, years: int, *, referral_from: str | None = None) -> str:
    """INSERT ... SELECT of every row of `model`, moved `years` back: a new public id, every
    date and time column earlier, and (for rows of a referral) the copied referral's id."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        column = field.column
        columns.append(column)
        if column == "public_id":
            values.append("gen_random_uuid()")
        elif column == "reference":
            values.append(f"'Y{years}-' || t.reference")
        elif column == "referral_id" and referral_from:
            values.append("r.id")
        elif field.get_internal_type() == "DateTimeField":
            values.append(f"t.{column} - interval '{years} years'")
        else:
            values.append(f"t.{column}")
    table = model._meta.db_table
    join = (
        f" JOIN referrals_referral old ON old.id = t.referral_id"
        f" JOIN referrals_referral r ON r.reference = 'Y{years}-' || old.reference"
        if referral_from
        else ""
    )
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - the models' own names
        f"SELECT {', '.join(values)} FROM {table} t{join}"
        f"{' WHERE t.reference NOT LIKE %s' if not referral_from else ''}"
    )


@pytest.fixture
def earlier_years(data):
    """The same cases in eight earlier years, so that a year is a ninth of each table, as in a
    portal that has run for years; then statistics of these rows (rolled back with them), so
    the planner judges this data and not what earlier tests left in pg_statistic."""
    from confirmations.models import Decision
    from referrals.models import Referral
    from routing.models import RoutingDelivery

    with connection.cursor() as cursor:
        for years in range(1, EARLIER_YEARS + 1):
            cursor.execute(_copy_rows(Referral, years), ["Y%"])
            cursor.execute(_copy_rows(Decision, years, referral_from="copied"))
            cursor.execute(_copy_rows(RoutingDelivery, years, referral_from="copied"))
        cursor.execute(
            "ANALYZE referrals_referral, confirmations_decision, routing_routingdelivery"
        )
    return data


def _plan(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        # Statistics of this test's own rows (rolled back with them): what earlier tests and
        # autovacuum left in pg_statistic must not decide this plan.
        cursor.execute(
            "ANALYZE referrals_referral, routing_routingdelivery, confirmations_decision"
        )
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _period_from_index(plan: str, column: str, *also: str) -> bool:
    conditions = re.findall(r"Index Cond: (.*)", plan)
    return any(
        f"{column} >= " in condition
        and f"{column} < " in condition
        and all(other in condition for other in also)
        for condition in conditions
    )


@pytest.mark.parametrize(
    "period",
    [{"period": "month", "month": "3"}, {"period": "quarter", "quarter": "2"}, {}],
    ids=["month", "quarter", "year"],
)
def test_each_statistics_query_reads_its_period_from_an_index(earlier_years, period):
    filters = ReportFilterForm({"period": "year", "year": "2025", **period}).filters()
    with CaptureQueriesContext(connection) as captured:
        statistics(filters, NOW)
    loop, outcomes, decisions = (_plan(query["sql"]) for query in captured.captured_queries)
    assert _period_from_index(loop, "routed_at"), loop
    assert _period_from_index(outcomes, "submitted_at"), outcomes
    assert _period_from_index(decisions, "decided_at", "stage", "'initial'"), decisions
    for plan in (loop, outcomes, decisions):
        for table in ("routing_routingdelivery", "referrals_referral", "confirmations_decision"):
            assert f"Seq Scan on {table} " not in plan, plan

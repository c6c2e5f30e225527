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


def _plan(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
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
def test_each_statistics_query_reads_its_period_from_an_index(data, period):
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

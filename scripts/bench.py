"""`make bench`, in-process stage: each page's queries and median time through Django's test
client, and the query plans of the pages that list many rows.

Runs against the data scripts/bench_seed.py has seeded (it adds nothing). Imported by
scripts/bench_run.py, which calls `measure_pages` and `explain_pages` once per data size.
"""

import json
import re
import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from referrals.models import Referral
from routing.models import RoutingDelivery

REPEAT = 20
# Tables big enough that reading all of them for one page is the problem the plans must show
# is gone.
BIG_TABLES = (
    "referrals_referral",
    "routing_routingdelivery",
    "referral_portal_accesslog",
    "confirmations_decision",
    "referrals_referralevent",
)


def pages(state: dict) -> list[tuple[str, str, str]]:
    """(label, whose session, path): the in-process twin of the Locust scenarios."""
    referral = Referral.objects.get(pk=state["template"]).public_id
    case = RoutingDelivery.objects.get(pk=state["case"]).public_id
    return [
        ("Trivial page, anonymous", "", "/accessibility/"),
        ("Trivial page, signed in", "referrer", "/accessibility/"),
        ("Referrer: list", "referrer", "/referrals/"),
        ("Referrer: referral", "referrer", f"/referrals/{referral}/"),
        ("Reviewer: queue", "reviewer", "/review/"),
        ("Reviewer: filtered queue", "reviewer", "/review/?minor=yes&trafficking=sex"),
        ("Reviewer: case page", "reviewer", f"/review/{referral}/"),
        ("Agency: cases", "agency", "/cases/"),
        ("Agency: case", "agency", f"/cases/{case}/"),
        ("Administrator: access log", "administrator", "/security/access-log/"),
        ("Administrator: deliveries", "administrator", "/cases/deliveries/"),
        ("Administrator: statistics", "administrator", "/reports/"),
    ]


# The pages whose plans docs/benchmarks.md shows (issue 13: queue, referrer list, agency
# cases, deliveries, access log), and the statistics page (issue 14).
EXPLAINED = {
    "Reviewer: queue",
    "Referrer: list",
    "Agency: cases",
    "Administrator: deliveries",
    "Administrator: access log",
    "Administrator: statistics",
}


def _clients(state: dict) -> dict[str, Client]:
    clients = {"": Client()}
    for role in ("referrer", "reviewer", "agency", "administrator"):
        clients[role] = Client()
        clients[role].force_login(User.objects.get(pk=state[role]))
    return clients


def measure_pages(state: dict) -> list[dict]:
    rows = []
    clients = _clients(state)
    for label, role, path in pages(state):
        client = clients[role]
        client.get(path)  # warm caches and connections
        times = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        rows.append(
            {
                "page": label,
                "median_ms": statistics.median(times) * 1000,
                "queries": len(queries),
                "status": response.status_code,
            }
        )
        print(f"    {label:<32} {rows[-1]['median_ms']:7.1f} ms {len(queries):3} queries")
    return rows


def explain_pages(state: dict) -> list[dict]:
    """For each page in EXPLAINED, the plan of each of its statements that reads a big table,
    as PostgreSQL runs it (EXPLAIN ANALYZE), and whether any reads a whole big table."""
    clients = _clients(state)
    found = []
    for label, role, path in pages(state):
        if label not in EXPLAINED:
            continue
        with CaptureQueriesContext(connection) as queries:
            clients[role].get(path)
        for query in queries.captured_queries:
            sql = query["sql"]
            reads = re.search(r'FROM "(\w+)"', sql)
            if not sql.startswith("SELECT") or not reads or reads.group(1) not in BIG_TABLES:
                continue  # the session, the person, small tables, set_config
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql)
                plan = "\n".join(str(row[0]) for row in cursor.fetchall())
            whole = [t for t in BIG_TABLES if f"Seq Scan on {t}" in plan]
            found.append({"page": label, "sql": sql, "plan": plan, "sequential": whole})
    return found


if __name__ == "__main__":
    # For a look by hand: `python scripts/bench.py` after `bench_seed.py base` and `grow`.
    import bench_seed

    state = json.loads(bench_seed.STATE.read_text())
    measure_pages(state)

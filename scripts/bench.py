"""`make bench`: page times as ratios against a trivial page measured in the same run.

Runs in-process with Django's test client against the throwaway PostgreSQL and Redis that
scripts/bench.sh starts, at two data sizes, and writes docs/benchmarks.md. Ratios, not
milliseconds, are what to compare between machines and runs.
"""

import os
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_portal.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from referral_portal.fields import encrypted_fields_of  # noqa: E402
from referral_portal.models import County  # noqa: E402
from referral_portal.roles import Role  # noqa: E402
from referrals.models import Referral  # noqa: E402
from tests.factories import OrganizationFactory, UserFactory  # noqa: E402
from tests.referrals import builders  # noqa: E402

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
# A realistic mix: about one referral in eighteen is still open; the rest are decided or
# withdrawn. The referrer's own organization holds one referral in twenty.
OPEN = [Referral.Status.SUBMITTED, Referral.Status.INFO_REQUESTED, Referral.Status.INFO_PROVIDED]
CLOSED = [Referral.Status.CONFIRMED] * 12 + [Referral.Status.DECLINED] * 4
STATUSES = OPEN + (CLOSED + [Referral.Status.WITHDRAWN]) * 3
REFERRING_ORGANIZATIONS = 20


def grow(template: Referral, total: int) -> None:
    """Copies of one submitted referral until the table holds `total`, spread over counties,
    organizations, statuses and due dates (filters and ordering see realistic variety)."""
    counties = list(County.objects.all())
    organizations = [template.organization] + [
        OrganizationFactory() for _ in range(REFERRING_ORGANIZATIONS - 1)
    ]
    have = Referral.objects.count()
    now = timezone.now()
    batch = []
    for i in range(have, total):
        copy = Referral.objects.get(pk=template.pk)
        # Encrypted values are bound to their row: read them under the template's public id
        # before the copy gets its own, so the copy's save seals them under the new one.
        for field in encrypted_fields_of(Referral):
            getattr(copy, field.attname)
        copy.pk = None
        copy.public_id = uuid.uuid4()
        copy.reference = f"VC-2025-{i:06d}"
        copy.county_of_residence = counties[i % len(counties)]
        copy.organization = organizations[i % len(organizations)]
        copy.due_at = now + timedelta(hours=(i % 200) - 50)
        copy.__dict__["status"] = STATUSES[i % len(STATUSES)]  # bulk data: FSM not involved
        batch.append(copy)
        if len(batch) == 5000:
            Referral.objects.bulk_create(batch)
            batch = []
    if batch:
        Referral.objects.bulk_create(batch)


def url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def measure(client: Client, path: str) -> tuple[float, int, int]:
    client.get(path)  # warm caches and connections
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return statistics.median(times), len(queries), response.status_code


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    referrer = UserFactory(role=Role.REFERRER)
    reviewer = UserFactory(role=Role.STATE_REVIEWER)
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    template = builders.submitted(user=referrer)
    rows = []
    for size in SIZES:
        grow(template, size)
        clients = {}
        for user in (referrer, reviewer, administrator):
            clients[user.role] = Client()
            clients[user.role].force_login(user)
        pages = [
            ("Trivial page (accessibility statement)", Role.REFERRER, "/accessibility/"),
            ("Referrer: organization's referrals", Role.REFERRER, url("referrals:list")),
            (
                "Referrer: referral detail",
                Role.REFERRER,
                url("referrals:detail", template.public_id),
            ),
            ("Reviewer: queue", Role.STATE_REVIEWER, url("confirmations:queue")),
            (
                "Reviewer: case page",
                Role.STATE_REVIEWER,
                url("confirmations:case", template.public_id),
            ),
            ("Administrator: access log", Role.ADMINISTRATOR, url("security:access_log")),
            ("Administrator: deliveries", Role.ADMINISTRATOR, url("routing:delivery_list")),
        ]
        baseline = None
        for label, role, path in pages:
            if path is None:
                continue
            median, queries, status = measure(clients[role], path)
            baseline = baseline or median
            rows.append((size, label, median * 1000, median / baseline, queries, status))
            print(f"{size:>7} {label:<45} {median * 1000:7.1f} ms x{median / baseline:5.2f}")
    write(rows)


def write(rows):
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (scripts/bench.py) on {timezone.localdate():%Y-%m-%d}: median",
        f"of {REPEAT} requests per page through Django's test client, in-process, against",
        "PostgreSQL and Redis on loopback. The ratio is against the trivial page measured in the",
        "same run; compare ratios, not milliseconds. Queries are per request and must not grow",
        "with the number of referrals. Data: copies of one submitted referral over the 62",
        "counties and 20 referring organizations (the referrer's holds one in twenty), about one",
        "in eighteen still open, the rest confirmed, declined or withdrawn.",
        "",
        "| referrals | page | median ms | ratio to trivial | queries | status |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for size, label, ms, ratio, queries, status in rows:
        lines.append(f"| {size:,} | {label} | {ms:.1f} | {ratio:.2f} | {queries} | {status} |")
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines) + "\n")
    print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()

"""`make bench`: one run's figures as a section of docs/benchmarks.md, newest run first.

Called by scripts/bench_run.py with everything the run measured. Every ratio compares figures
taken in the same run on the same machine; milliseconds alone do not travel between machines.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
MARK = "<!-- runs: newest first; scripts/bench_report.py inserts each run below this line -->"
ANONYMOUS, SIGNED_IN = "floor: anonymous", "floor: signed in"
# Issue 13's targets, and issue 14's for the statistics page.
PAGE_TO_SIGNED_IN, PAGE_TO_ANONYMOUS = 3.0, 6.0
CONFIRM_TO_DELIVERED_P95_MS = 250
DELIVERIES_PER_SECOND = 100
STATISTICS_TO_QUEUE = 3.0
FLOOR_STATEMENTS, FLOOR_TO_ANONYMOUS = 4, 2.0
THROUGHPUT_GAIN = 1.7


def _p(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rows(load: dict) -> list[dict]:
    return [r for r in load["stats"] if r["Name"] != "Aggregated"]


def _total(load: dict) -> dict:
    return next(r for r in load["stats"] if r["Name"] == "Aggregated")


def _is_page(row: dict) -> bool:
    """A page someone reads: a GET, not a floor, not the helper that fetches a form token."""
    return row["Type"] == "GET" and not row["Name"].startswith(("floor", "("))


def _floors(load: dict) -> tuple[float, float]:
    by_name = {r["Name"]: float(r["95%"]) for r in _rows(load)}
    return by_name.get(ANONYMOUS, float("nan")), by_name.get(SIGNED_IN, float("nan"))


def _load_section(size: int, load: dict, users: int) -> list[str]:
    anonymous, signed = _floors(load)
    total = _total(load)
    delivered = load["confirm_to_delivered_ms"]
    lines = [
        f"#### {size:,} referrals, {users} users",
        "",
        f"Throughput **{float(total['Requests/s']):.1f} requests/s**; "
        f"{total['Failure Count']} failed requests and {load['exceptions']} task errors of "
        f"{total['Request Count']} requests. Load average after: "
        f"{' '.join(f'{x:.2f}' for x in load['load_after'])}. RSS per gunicorn worker: "
        f"{', '.join(f'{kb // 1024} MB' for kb in load['rss_kb'])}.",
        "",
        f"Confirm to delivered, from the decision's commit: p50 {_p(delivered, 0.5):.0f} ms, "
        f"p95 {_p(delivered, 0.95):.0f} ms, max {max(delivered, default=float('nan')):.0f} ms "
        f"({len(delivered)} confirmations; {load['undelivered']} not delivered a minute after "
        "the run).",
        "",
        "| request | count | p50 ms | p95 ms | p99 ms | p95 / anonymous floor | p95 / signed-in "
        "floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(_rows(load), key=lambda r: (r["Type"] != "GET", r["Name"])):
        p95 = float(r["95%"])
        lines.append(
            f"| {r['Type']} {r['Name']} | {r['Request Count']} | {r['50%']} | {r['95%']} | "
            f"{r['99%']} | {p95 / anonymous:.1f} | {p95 / signed:.1f} |"
        )
    if load["exception_messages"]:
        lines += ["", "Task errors: " + "; ".join(load["exception_messages"])]
    if load.get("failures"):
        lines += ["", "Failed requests: " + "; ".join(load["failures"])]
    return lines + [""]


def _pages_section(size: int, pages: list[dict]) -> list[str]:
    trivial = pages[0]["median_ms"]
    lines = [
        f"#### In-process at {size:,} referrals (median of 20, Django's test client)",
        "",
        "| page | median ms | ratio to the anonymous trivial page | queries | status |",
        "|---|---:|---:|---:|---:|",
    ]
    for p in pages:
        lines.append(
            f"| {p['page']} | {p['median_ms']:.1f} | {p['median_ms'] / trivial:.1f} | "
            f"{p['queries']} | {p['status']} |"
        )
    return lines + [""]


def _plans_section(size: int, plans: list[dict]) -> list[str]:
    lines = [
        f"#### Query plans at {size:,} referrals",
        "",
        "EXPLAIN ANALYZE of every statement of these pages that reads one of the big tables. "
        "A sequential scan of a whole big table would be flagged here.",
        "",
    ]
    for plan in plans:
        flag = (
            f"**sequential scan of {', '.join(plan['sequential'])}**"
            if plan["sequential"]
            else "no sequential scan of a big table"
        )
        sql = re.sub(r"\s+", " ", plan["sql"])
        sql = sql if len(sql) < 400 else sql[:400] + " …"
        lines += [
            f"- {plan['page']}: {flag}",
            "",
            "  ```sql",
            f"  {sql}",
            "  ```",
            "",
            "  ```",
            *[f"  {line}" for line in plan["plan"].splitlines()],
            "  ```",
            "",
        ]
    return lines


def _targets(run: dict) -> list[str]:
    largest = max(run["sizes"], key=lambda s: s["size"])
    by_users = {load["users"]: load for load in largest["loads"]}
    rows = []

    def check(label, figure, target, met):
        rows.append(f"| {label} | {figure} | {target} | {'yes' if met else '**no**'} |")

    ten = by_users.get(10)
    if ten:
        anonymous, signed = _floors(ten)
        pages = [r for r in _rows(ten) if _is_page(r)]
        worst = max(pages, key=lambda r: float(r["95%"]))
        ratio_signed = float(worst["95%"]) / signed
        ratio_anonymous = float(worst["95%"]) / anonymous
        check(
            f"{largest['size']:,} referrals, 10 users: slowest page p95 / signed-in floor p95",
            f"{ratio_signed:.1f} ({worst['Name']})",
            f"≤ {PAGE_TO_SIGNED_IN:g}",
            ratio_signed <= PAGE_TO_SIGNED_IN,
        )
        check(
            f"{largest['size']:,} referrals, 10 users: slowest page p95 / anonymous floor p95",
            f"{ratio_anonymous:.1f} ({worst['Name']})",
            f"≤ {PAGE_TO_ANONYMOUS:g}",
            ratio_anonymous <= PAGE_TO_ANONYMOUS,
        )
    errors = sum(
        int(_total(load)["Failure Count"]) + load["exceptions"]
        for size in run["sizes"]
        for load in size["loads"]
    )
    check("Failed requests and task errors, every load", str(errors), "0", errors == 0)
    delivered = [ms for load in largest["loads"] for ms in load["confirm_to_delivered_ms"]]
    p95 = _p(delivered, 0.95)
    check(
        f"Confirm to delivered p95 under load, {largest['size']:,} referrals",
        f"{p95:.0f} ms",
        f"< {CONFIRM_TO_DELIVERED_P95_MS} ms",
        p95 < CONFIRM_TO_DELIVERED_P95_MS,
    )
    rate = run["deliveries"]["per_second"] or 0
    check(
        "Deliveries per second, one worker (concurrency 2)",
        f"{rate:.0f}",
        f"≥ {DELIVERIES_PER_SECOND}",
        rate >= DELIVERIES_PER_SECOND,
    )
    pages = {p["page"]: p for p in largest["pages"]}
    stats_ratio = (
        pages["Administrator: statistics"]["median_ms"] / pages["Reviewer: queue"]["median_ms"]
    )
    check(
        f"Statistics page / reviewer's queue, {largest['size']:,} referrals (in-process median)",
        f"{stats_ratio:.1f}",
        f"≤ {STATISTICS_TO_QUEUE:g}",
        stats_ratio <= STATISTICS_TO_QUEUE,
    )
    floor, anonymous = pages["Trivial page, signed in"], pages["Trivial page, anonymous"]
    check(
        "Signed-in trivial page: statements",
        str(floor["queries"]),
        f"≤ {FLOOR_STATEMENTS}",
        floor["queries"] <= FLOOR_STATEMENTS,
    )
    floor_ratio = floor["median_ms"] / anonymous["median_ms"]
    check(
        "Signed-in trivial page / anonymous (in-process median)",
        f"{floor_ratio:.1f}",
        f"≤ {FLOOR_TO_ANONYMOUS:g}",
        floor_ratio <= FLOOR_TO_ANONYMOUS,
    )
    if ten:
        # The same two pages as people meet them: over HTTP, under gunicorn, with 10 users.
        anonymous_p95, signed_p95 = _floors(ten)
        check(
            f"{largest['size']:,} referrals, 10 users: signed-in floor p95 / anonymous floor p95",
            f"{signed_p95 / anonymous_p95:.1f}",
            f"≤ {FLOOR_TO_ANONYMOUS:g}",
            signed_p95 / anonymous_p95 <= FLOOR_TO_ANONYMOUS,
        )
    most = max(largest["pages"], key=lambda p: p["queries"])
    check(
        "Most queries on any page",
        f"{most['queries']} ({most['page']})",
        "≤ 15",
        most["queries"] <= 15,
    )
    sequential = sorted({p["page"] for p in largest.get("plans", []) if p["sequential"]})
    check(
        "Pages whose plan reads a whole big table",
        ", ".join(sequential) or "none",
        "none",
        not sequential,
    )
    fifty, base = by_users.get(50), run.get("baseline")
    if fifty and base:
        now, before = float(_total(fifty)["Requests/s"]), float(_total(base)["Requests/s"])
        check(
            f"{largest['size']:,} referrals, 50 users: throughput against {base['commit']}",
            f"{now:.1f} / {before:.1f} requests/s = {now / before:.2f}",
            f"≥ {THROUGHPUT_GAIN:g}",
            now / before >= THROUGHPUT_GAIN,
        )
    return [
        "| check | figure | target | met |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def section(run: dict) -> str:
    m, s = run["machine"], run["settings"]
    deliveries = run["deliveries"]
    lines = [
        f"## Run of {run['started'][:16].replace('T', ' ')} UTC, commit {run['commit']}",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gb']} GB; Python {m['python']}, "
        f"PostgreSQL {m['postgres']}. Load average before the run: "
        f"{' '.join(f'{x:.2f}' for x in m['load_before'])}. Took "
        f"{run['minutes']:.1f} minutes.",
        "",
        f"Command: `make bench` (BENCH_LOAD_SIZES={','.join(map(str, s['sizes']))}, "
        f"BENCH_LOAD_USERS={','.join(map(str, s['users']))}, "
        f"BENCH_LOAD_SECONDS={s['seconds']}, BENCH_DELIVERIES={s['deliveries']}, "
        f"BENCH_ACCESS_LOG_ROWS={s['access_log_rows']}). The portal ran under gunicorn (4 sync "
        "workers) with the bench settings (DEBUG off, persistent connections, hashed static "
        "files), beside one Celery worker (concurrency 2) and beat, on PostgreSQL and Redis "
        "on loopback; Locust ran on the same machine and took CPU too.",
        "",
        "### Targets",
        "",
        *_targets(run),
    ]
    for size in run["sizes"]:
        lines += [f"### {size['size']:,} referrals", ""]
        for load in size["loads"]:
            lines += _load_section(size["size"], load, load["users"])
        lines += _pages_section(size["size"], size["pages"])
        if size.get("plans"):
            lines += _plans_section(size["size"], size["plans"])
    base = run.get("baseline")
    if base:
        lines += [
            f"### Baseline: {base['commit']} at {base['size']:,} referrals",
            "",
            "Main before the performance work, seeded by this run's seeder to the same size "
            "and served the same way (its statistics page did not exist yet, so its "
            "administrators skipped that request).",
            "",
            *_load_section(base["size"], base, 50)[2:],
        ]
    lines += [
        "### Deliveries with one worker",
        "",
        f"{deliveries['confirmed']} referrals confirmed through the service while no worker "
        f"ran; then one worker (concurrency 2) and beat started. {deliveries['delivered']} "
        f"delivered; the first {deliveries['first_after_start_s']:.1f} s after the worker "
        f"started (its start-up included), the last {deliveries['last_after_start_s']:.1f} s "
        f"after: **{deliveries['per_second'] or 0:.0f} deliveries per second** from the first "
        "to the last.",
        "",
    ]
    return "\n".join(lines)


def write(run: dict) -> None:
    run = dict(run)
    run["minutes"] = (run["finished"] - run["started"]).total_seconds() / 60
    run["started"] = run["started"].isoformat()
    text = DOC.read_text() if DOC.exists() else ""
    if MARK not in text:
        text = "# Benchmarks\n\n" + MARK + "\n\n" + text.removeprefix("# Benchmarks\n")
    head, tail = text.split(MARK, 1)
    DOC.write_text(head + MARK + "\n\n" + section(run) + "\n" + tail.lstrip("\n"))
    print(f"wrote {DOC.relative_to(ROOT)}")

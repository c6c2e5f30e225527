"""`make bench`, load stage: appends one run's Locust figures to docs/benchmarks.md.

Usage: bench_report.py SIZE USERS STATS.csv RSS_KB... Each page's p95 is given as a ratio to
both floors measured in the same run (the anonymous and the signed-in trivial page).
"""

import csv
import os
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(size: str, users: str, stats: Path, rss: list[str]):
    rows = [r for r in csv.DictReader(stats.open()) if r["Name"] != "Aggregated"]
    total = next(r for r in csv.DictReader(stats.open()) if r["Name"] == "Aggregated")
    floor = {r["Name"]: float(r["95%"]) or 1.0 for r in rows if r["Name"].startswith("floor")}
    anonymous, signed = floor.get("floor: anonymous", 1.0), floor.get("floor: signed in", 1.0)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "",
        f"### Load: {int(size):,} referrals, {users} users ({date.today():%Y-%m-%d})",
        "",
        f"{os.cpu_count()} CPUs, load average after the run {load}. Throughput "
        f"{float(total['Requests/s']):.1f} requests/s, {total['Failure Count']} errors of "
        f"{total['Request Count']} requests. RSS per gunicorn worker (kB): {', '.join(rss)}.",
        "",
        "| page | requests | p50 ms | p95 ms | p99 ms | p95 / anonymous | p95 / signed in |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(rows, key=lambda r: r["Name"]):
        p95 = float(r["95%"])
        lines.append(
            f"| {r['Name']} | {r['Request Count']} | {r['50%']} | {r['95%']} | {r['99%']} "
            f"| {p95 / anonymous:.1f} | {p95 / signed:.1f} |"
        )
    with (ROOT / "docs" / "benchmarks.md").open("a") as doc:
        doc.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4:])

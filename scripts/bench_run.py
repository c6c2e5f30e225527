"""`make bench`: the portal under load, as production runs it, at each data size.

scripts/bench.sh starts a throwaway PostgreSQL and Redis and calls this. For each size in
BENCH_LOAD_SIZES (default 20,000 and 200,000 referrals) it grows the data (bench_seed.py),
serves the portal with gunicorn (4 sync workers) beside one Celery worker (concurrency 2) and
beat, and runs Locust on loopback at 10 and 50 users for BENCH_LOAD_SECONDS each, with a
scenario per role and the two floors. Then, in-process, each page's queries and median time,
and at the largest size the query plans. Last, deliveries per second with one worker. The
figures go to docs/benchmarks.md as a new run at the top (scripts/bench_report.py); earlier
runs are kept below it.
"""

import csv
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_portal.settings.bench")
django.setup()

import bench  # noqa: E402
import bench_report  # noqa: E402
import bench_seed  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from referrals.models import Referral  # noqa: E402
from tests.confirmations import helpers as decide  # noqa: E402

VENV = ROOT / ".venv" / "bin"
SIZES = [int(s) for s in os.environ.get("BENCH_LOAD_SIZES", "20000,200000").split(",")]
USERS = [int(u) for u in os.environ.get("BENCH_LOAD_USERS", "10,50").split(",")]
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "200"))
SCRATCH = Path(os.environ["BENCH_SCRATCH"])
BASELINE = os.environ.get("BENCH_BASELINE", "c8ed3ed")
BASELINE_PACKAGES = ["django-axes", "structlog", "django-ratelimit"]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(*args: str, cwd: Path = ROOT, env: dict | None = None) -> None:
    """scripts/bench_seed.py in the tree at `cwd` (the portal's, or the baseline's)."""
    with (SCRATCH / "seed.log").open("a") as log:
        subprocess.run([VENV / "python", "scripts/bench_seed.py", *args], check=True, cwd=cwd,
                       env=env, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip


class Processes:
    """gunicorn, a Celery worker and beat, started together and stopped together."""

    def __init__(self, *, web: bool = True, cwd: Path = ROOT, env: dict | None = None):
        self.port = free_port()
        self.web = web
        self.cwd, self.env = cwd, {**os.environ, **(env or {})}
        self.started: dict[str, subprocess.Popen] = {}

    def __enter__(self):
        log = (SCRATCH / "processes.log").open("a")
        if self.web:
            # Production's gunicorn settings where the tree has them (the baseline commit did
            # not), with 4 workers on loopback.
            config = self.cwd / "deploy" / "gunicorn.conf.py"
            self.started["web"] = subprocess.Popen(
                [VENV / "gunicorn", *(["--config", config] if config.exists() else []),
                 "--workers", "4", "--bind", f"127.0.0.1:{self.port}",
                 "referral_portal.wsgi:application"],
                stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
            )  # fmt: skip
        self.start_worker()
        if self.web:
            self._wait_for_web()
        return self

    def start_worker(self):
        log = (SCRATCH / "processes.log").open("a")
        self.started["worker"] = subprocess.Popen(
            [VENV / "celery", "-A", "referral_portal", "worker", "--concurrency", "2",
             "--loglevel", "WARNING", "-n", f"bench{time.monotonic_ns()}@%h"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
        )  # fmt: skip
        self.started["beat"] = subprocess.Popen(
            [VENV / "celery", "-A", "referral_portal", "beat", "--loglevel", "WARNING",
             "--schedule", SCRATCH / "celerybeat-schedule"],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.cwd, env=self.env,
        )  # fmt: skip

    def _wait_for_web(self):
        import urllib.request

        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accessibility/", timeout=2)
                return
            except OSError:
                time.sleep(0.5)
        log = (SCRATCH / "processes.log").read_text().splitlines()
        raise SystemExit("gunicorn did not start:\n" + "\n".join(log[-20:]))

    def worker_rss_kb(self) -> list[int]:
        pid = self.started["web"].pid
        out = subprocess.run(["ps", "-o", "rss=", "--ppid", str(pid)], capture_output=True,
                             text=True).stdout  # fmt: skip
        return [int(x) for x in out.split()]

    def __exit__(self, *exc):
        for process in self.started.values():
            process.terminate()
        for process in self.started.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        self.started.clear()


def work_for(name: str, users: int, seconds: int, *, cwd: Path = ROOT, env=None) -> Path:
    """This run's own referrals to decide and cases to acknowledge, more than its users can
    take (each decides or acknowledges about once in ten requests), a referrer for each
    simulated one, and the sessions."""
    out = SCRATCH / f"{name}.json"
    count = max(20, users * seconds // 4)
    sessions = SCRATCH / f"{'baseline-' if env else ''}sessions.json"
    seed("work", str(count), str(users), str(sessions), str(out), cwd=cwd, env=env)
    return out


def locust(port: int, users: int, seconds: int, name: str, *, baseline=None) -> dict:
    """Locust on loopback against `port`; `baseline` is (tree, environment) when the portal
    served is the baseline commit's."""
    prefix = SCRATCH / name
    cwd, env = baseline or (ROOT, None)
    sessions = work_for(name, users, seconds, cwd=cwd, env=env)
    started = _now()
    subprocess.run(
        [VENV / "locust", "-f", ROOT / "scripts" / "locustfile.py", "--headless",
         "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "10",
         "-H", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary"],
        env={**os.environ, "BENCH_SESSIONS": str(sessions),
             "BENCH_STATISTICS": "0" if baseline else "1"},
        stdout=(SCRATCH / "locust.log").open("a"), stderr=subprocess.STDOUT, check=False,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as stats_file, open(f"{prefix}_exceptions.csv") as errors:
        stats, exceptions = list(csv.DictReader(stats_file)), list(csv.DictReader(errors))
    with open(f"{prefix}_failures.csv") as failed:
        failures = [f"{r['Method']} {r['Name']}: {r['Error']} x{r['Occurrences']}"
                    for r in csv.DictReader(failed)]  # fmt: skip
    return {
        "started": started,
        "stats": stats,
        "exceptions": sum(int(row["Count"]) for row in exceptions),
        "exception_messages": [row["Message"] for row in exceptions][:5],
        "failures": failures[:10],
    }


def _now() -> datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def confirm_to_delivered(since: datetime) -> list[float]:
    """Milliseconds from the commit of each confirmation made since `since` to the moment its
    delivery reached the receiving agency (the commit time is PostgreSQL's own record of it:
    track_commit_timestamp is on in the bench cluster)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT extract(epoch FROM d.delivered_at - pg_xact_commit_timestamp(c.xmin))
                      * 1000
                 FROM confirmations_decision c
                 JOIN routing_routingdelivery d ON d.referral_id = c.referral_id
                WHERE c.decided_at >= %s AND d.delivered_at IS NOT NULL
                  AND c.outcome = 'confirmed'""",
            [since],
        )
        return sorted(float(row[0]) for row in cursor.fetchall())


def undelivered(since: datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM confirmations_decision c
                 LEFT JOIN routing_routingdelivery d ON d.referral_id = c.referral_id
                WHERE c.decided_at >= %s AND c.outcome = 'confirmed'
                  AND d.delivered_at IS NULL""",
            [since],
        )
        return cursor.fetchone()[0]


def wait_delivered(since: datetime, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while undelivered(since) and time.monotonic() < deadline:
        time.sleep(0.5)


def deliveries_per_second(state: dict) -> dict:
    """DELIVERIES referrals confirmed through the service while no worker runs, then one worker
    (concurrency 2) starts: how fast the backlog reaches the receiving agencies."""
    reviewer = User.objects.get(pk=state["reviewer"])
    template = Referral.objects.get(pk=state["ready_template"])
    ready = bench_seed.ready_to_decide(template, DELIVERIES)
    since = _now()
    for referral in ready:
        decide.confirm(referral, reviewer)
    with Processes(web=False):
        started = _now()
        wait_delivered(since, timeout=300)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*), min(d.delivered_at), max(d.delivered_at)
                 FROM confirmations_decision c
                 JOIN routing_routingdelivery d ON d.referral_id = c.referral_id
                WHERE c.decided_at >= %s AND d.delivered_at IS NOT NULL""",
            [since],
        )
        count, first, last = cursor.fetchone()
    span = (last - first).total_seconds() if count > 1 else 0
    return {
        "confirmed": len(ready),
        "delivered": count,
        "first_after_start_s": (first - started).total_seconds() if count else None,
        "last_after_start_s": (last - started).total_seconds() if count else None,
        "per_second": (count - 1) / span if span else None,
    }


def baseline(size: int) -> dict | None:
    """Requests per second at 50 users on BENCH_BASELINE (default c8ed3ed, main before the
    performance work), seeded by this run's seeder to the same size, in its own database on
    the same PostgreSQL and served the same way. Its statistics page did not exist yet, so its
    administrators skip that one request. None when the commit is not in this clone."""
    commit = BASELINE
    tree = SCRATCH / "baseline"
    if not commit or subprocess.run(["git", "cat-file", "-e", f"{commit}^{{commit}}"],
                                    cwd=ROOT, capture_output=True).returncode:  # fmt: skip
        return None
    subprocess.run(["git", "worktree", "add", "--detach", "-f", tree, commit], cwd=ROOT,
                   check=True, capture_output=True)  # fmt: skip
    try:
        extra = SCRATCH / "baseline-packages"
        # What the baseline imported that the portal no longer depends on.
        subprocess.run([VENV / "python", "-m", "pip", "install", "-q", "--no-deps", "--target",
                        extra, *BASELINE_PACKAGES], check=True)  # fmt: skip
        for name in ("scripts/bench_seed.py", "referral_portal/settings/bench.py"):
            (tree / name).write_text((ROOT / name).read_text())
        database = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/baseline"
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE baseline")
        env = {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(extra),
               "BENCH_SCRATCH": str(SCRATCH / "baseline-state")}  # fmt: skip
        Path(env["BENCH_SCRATCH"]).mkdir()
        subprocess.run([VENV / "python", "manage.py", "collectstatic", "--noinput", "-v0"],
                       cwd=tree, env=env, check=True, capture_output=True)  # fmt: skip
        seed("base", str(SCRATCH / "baseline-sessions.json"), cwd=tree, env=env)
        seed("grow", str(size), cwd=tree, env=env)
        with Processes(cwd=tree, env=env) as processes:
            locust(processes.port, 8, 15, "baseline-warm", baseline=(tree, env))
            load = locust(processes.port, 50, SECONDS, "baseline-50", baseline=(tree, env))
        load["rss_kb"] = []
        load["load_after"] = os.getloadavg()
        load["confirm_to_delivered_ms"], load["undelivered"] = [], 0
        return {"commit": commit, "size": size, **load}
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", tree], cwd=ROOT, check=False)


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "postgres": connection.cursor().connection.server_version,
        "load_before": os.getloadavg(),
    }


def main():
    run = {
        "started": datetime.now(UTC),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),  # fmt: skip
        "machine": machine(),
        "settings": {
            "sizes": SIZES,
            "users": USERS,
            "seconds": SECONDS,
            "deliveries": DELIVERIES,
            "access_log_rows": bench_seed.ACCESS_LOG_ROWS,
        },  # fmt: skip
        "sizes": [],
    }
    setup_test_environment()  # the in-process pages are asked for as "testserver"
    print("==> base data", flush=True)
    seed("base", str(SCRATCH / "sessions.json"))
    state = json.loads(bench_seed.STATE.read_text())
    for size in SIZES:
        print(f"==> {size:,} referrals", flush=True)
        seed("grow", str(size))
        result = {"size": size, "loads": []}
        with Processes() as processes:
            locust(processes.port, 8, 15, f"warm-{size}")  # every worker imports and caches
            for users in USERS:
                print(f"    Locust, {users} users, {SECONDS} s", flush=True)
                load = locust(processes.port, users, SECONDS, f"load-{size}-{users}")
                load["users"] = users
                load["rss_kb"] = processes.worker_rss_kb()
                load["load_after"] = os.getloadavg()
                wait_delivered(load["started"], timeout=60)
                load["confirm_to_delivered_ms"] = confirm_to_delivered(load["started"])
                load["undelivered"] = undelivered(load["started"])
                result["loads"].append(load)
        connection.close()
        print("    in-process", flush=True)
        result["pages"] = bench.measure_pages(state)
        if size == max(SIZES):
            result["plans"] = bench.explain_pages(state)
        run["sizes"].append(result)
    print(f"==> baseline {BASELINE}", flush=True)
    run["baseline"] = baseline(max(SIZES))
    print("==> deliveries with one worker", flush=True)
    run["deliveries"] = deliveries_per_second(state)
    run["finished"] = datetime.now(UTC)
    (SCRATCH / "run.json").write_text(json.dumps(run, default=str, indent=1))
    bench_report.write(run)


if __name__ == "__main__":
    main()

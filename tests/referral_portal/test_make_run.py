"""`make run`'s script, started as a user would: it serves the portal with every part up, refuses
to start twice from one folder, restarts a background process that dies, and Ctrl-C stops what
it started and nothing else. The servers' shell helpers (scripts/lib.sh) say whether they started
a server, and refuse a port that another program holds."""

import fcntl
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import redis
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
SUPERVISOR_LINE = re.compile(r"^\d\d:\d\d:\d\d system +\| (.*)$", re.MULTILINE)
HEALTHY = {"status": "ok", "database": "up", "broker": "up"}
WORKER = f"portal@{socket.gethostname()}"  # the Procfile's `-n portal@%h`


def _without_worker(health):
    # Whether /healthz also reports the worker is its own module's business (test_health.py);
    # here the worker is asked directly, on the run's own Redis.
    return {name: value for name, value in health.items() if name != "worker"}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError:
        return None, ""


def _workdir():
    # Under the project, not /tmp/pytest-of-root: PostgreSQL runs as `postgres` and must be
    # able to reach its data folder.
    (ROOT / ".run").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="make-run-", dir=ROOT / ".run"))
    path.chmod(0o755)
    return path


def _lib_sh(script, run_dir):
    """Runs bash lines with scripts/lib.sh sourced, as run.sh and test.sh do."""
    return subprocess.run(
        ["bash", "-c", f"source scripts/lib.sh\n{script}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PORTAL_RUN_DIR": str(run_dir)},
    )


def _pids(supervisor_lines, name):
    """Every pid the supervisor gave the process `name`, in order."""
    started = re.compile(rf"{name} (?:re)?started \(pid (\d+)\)")
    return [int(match[1]) for line in supervisor_lines if (match := started.fullmatch(line))]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _group_alive(pgid):
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Run:
    """One `./scripts/run.sh` in its own run folder and on its own ports."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.run_dir = workdir / "run"
        self.port = _free_port()
        self.pg_port = _free_port()
        self.redis_port = _free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            PORTAL_RUN_DIR=str(self.run_dir),
            PORT=str(self.port),
            RUN_PG_PORT=str(self.pg_port),
            RUN_REDIS_PORT=str(self.redis_port),
        )
        self.process = None

    def start(self):
        log = (self.workdir / "run.log").open("w")
        self.process = subprocess.Popen(
            ["./scripts/run.sh"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def log(self):
        return (self.workdir / "run.log").read_text()[-3000:]

    def supervisor_lines(self):
        return SUPERVISOR_LINE.findall((self.workdir / "run.log").read_text())

    def pids(self, name):
        return _pids(self.supervisor_lines(), name)

    def workers_answering(self):
        """The Celery workers that answer a ping on this run's own Redis."""
        app = Celery(broker=f"redis://127.0.0.1:{self.redis_port}/0")
        try:
            return sorted(name for reply in app.control.ping(timeout=1.0) for name in reply)
        finally:
            app.close()

    def wait_healthy(self, seconds):
        """/healthz's answer once it is 200 and the worker answers a ping ({} if never)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = _get(f"http://127.0.0.1:{self.port}/healthz")
            if status == 200 and self.workers_answering() == [WORKER]:
                return json.loads(body)
            assert self.process.poll() is None, self.log()
            time.sleep(0.5)
        return {}

    def interrupt(self):
        """What Ctrl-C in its terminal sends; returns the exit status."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            return None


@pytest.mark.worker
def test_make_run_serves_home_and_healthy_healthz_within_60_seconds():
    tmp_path = _workdir()
    run = Run(tmp_path).start()
    try:
        assert _without_worker(run.wait_healthy(60)) == HEALTHY, run.log()
        status, home = _get(f"http://127.0.0.1:{run.port}/")
        assert status == 200
        assert "Victim Confirmation Referral Portal" in home
        accounts = json.loads((tmp_path / "run" / "demo-accounts.json").read_text())
        assert {account["role"] for account in accounts} >= {"Referrer", "Administrator"}
    finally:
        run.interrupt()
    # Ctrl-C stopped everything it started: nothing listens on the portal's port any more.
    assert _get(f"http://127.0.0.1:{run.port}/healthz")[0] is None
    assert not (tmp_path / "run" / "postgres" / "data" / "postmaster.pid").exists()
    assert not (tmp_path / "run" / "redis" / "redis.pid").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture(scope="module")
def portal_on_servers_it_did_not_start():
    """A running `make run` whose folder already had PostgreSQL and Redis running (left by an
    earlier run, or started by hand): it uses them, and they are not its to stop.
    The tests below share it, in file order; the last one stops it with Ctrl-C."""
    workdir = _workdir()
    run = Run(workdir)
    started = _lib_sh(
        f'start_postgres "$RUN/postgres" {run.pg_port} && echo "pg=$PG_STARTED"\n'
        f'start_redis "$RUN/redis" {run.redis_port} && echo "redis=$REDIS_STARTED"',
        run.run_dir,
    )
    assert started.stdout == "pg=1\nredis=1\n", started.stderr
    run.redis_pid = int((run.run_dir / "redis" / "redis.pid").read_text())
    run.start()
    try:
        assert _without_worker(run.wait_healthy(60)) == HEALTHY, run.log()
        yield run
    finally:
        run.interrupt()
        _lib_sh('stop_redis "$RUN/redis"; stop_postgres "$RUN/postgres"', run.run_dir)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.worker
def test_a_second_make_run_in_the_same_folder_refuses_and_leaves_the_first_alone(
    portal_on_servers_it_did_not_start,
):
    first = portal_on_servers_it_did_not_start
    second = subprocess.run(
        ["./scripts/run.sh"], cwd=ROOT, env=first.env, capture_output=True, text=True, timeout=60
    )
    assert (second.returncode, second.stdout, second.stderr) == (
        1,
        "",
        f"A portal is already running from this folder (pid {first.process.pid}, "
        f"http://127.0.0.1:{first.port}).\n"
        f"Stop it with Ctrl-C in its terminal, or `kill {first.process.pid}`.\n",
    )
    assert first.process.poll() is None
    assert _without_worker(first.wait_healthy(30)) == HEALTHY, first.log()
    assert (first.run_dir / "postgres" / "data" / "postmaster.pid").exists()
    assert redis.Redis(port=first.redis_port).info("server")["process_id"] == first.redis_pid


@pytest.mark.worker
def test_a_killed_worker_is_restarted_while_the_web_keeps_serving(
    portal_on_servers_it_did_not_start,
):
    run = portal_on_servers_it_did_not_start
    [web] = run.pids("web")
    killed = run.pids("worker")[-1]
    assert "celery" in Path(f"/proc/{killed}/cmdline").read_text()
    os.kill(killed, signal.SIGKILL)

    deadline = time.monotonic() + 30
    while len(run.pids("worker")) < 2 and time.monotonic() < deadline:
        assert _get(f"http://127.0.0.1:{run.port}/")[0] == 200, run.log()
        time.sleep(0.2)
    restarted = run.pids("worker")[-1]
    assert [line for line in run.supervisor_lines() if line.startswith("worker ")] == [
        f"worker started (pid {killed})",
        "worker died (was killed by SIGKILL); restarting it in 1 s",
        f"worker restarted (pid {restarted})",
    ], run.log()
    assert _alive(restarted)
    # The new worker answers pings again, and the web process is the one that was started.
    assert _without_worker(run.wait_healthy(60)) == HEALTHY, run.log()
    assert run.pids("web") == [web]
    assert _alive(web)


@pytest.mark.worker
def test_ctrl_c_stops_everything_make_run_started_and_nothing_else(
    portal_on_servers_it_did_not_start,
):
    run = portal_on_servers_it_did_not_start
    supervised = [run.pids(name)[-1] for name in ("web", "worker", "beat", "mail")]

    assert run.interrupt() == 130  # 128 + SIGINT, as a shell reports an interrupted command

    assert run.supervisor_lines()[-2:] == [
        "asked to stop; stopping everything",
        "everything stopped",
    ]
    # Each supervised process ran in its own process group (a worker's pool is in it): all gone.
    assert [pid for pid in supervised if _group_alive(pid)] == []
    assert _get(f"http://127.0.0.1:{run.port}/healthz")[0] is None
    # PostgreSQL and Redis were running before `make run`: they still are.
    assert (run.run_dir / "postgres" / "data" / "postmaster.pid").exists()
    assert redis.Redis(port=run.redis_port).info("server")["process_id"] == run.redis_pid
    # The folder is free for the next `make run`.
    with (run.run_dir / "run.pid").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_start_redis_says_whether_it_started_the_server(tmp_path):
    port = _free_port()
    result = _lib_sh(
        f'REDIS_APPENDONLY=no start_redis "$RUN/redis" {port}; echo "first=$REDIS_STARTED"\n'
        f'REDIS_APPENDONLY=no start_redis "$RUN/redis" {port}; echo "second=$REDIS_STARTED"\n'
        'stop_redis "$RUN/redis"',
        tmp_path,
    )
    assert result.stdout == "first=1\nsecond=\n", result.stderr
    assert not (tmp_path / "redis" / "redis.pid").exists()


@pytest.mark.parametrize(
    ("call", "server", "variable"),
    [("start_redis", "Redis", "RUN_REDIS_PORT"), ("start_postgres", "PostgreSQL", "RUN_PG_PORT")],
)
def test_a_server_does_not_start_on_a_port_another_program_holds(tmp_path, call, server, variable):
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        result = _lib_sh(f'{call} "$RUN/server" {port} || echo "failed with $?"', tmp_path)
    assert (result.stdout, result.stderr) == (
        "failed with 1\n",
        f"Port {port} is in use by another program, so {server} cannot start on it.\n"
        f"Stop that program, or choose another port (for make run: {variable}=...).\n",
    )
    assert not (tmp_path / "server").exists()


def _supervise(tmp_path, procfile, *, until, seconds=20):
    """scripts/supervise.py on a Procfile of stand-in commands, until `until(log)` holds."""
    (tmp_path / "Procfile").write_text(procfile)
    log_path = tmp_path / "supervise.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts/supervise.py"), "--procfile", "Procfile"],
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + seconds
    while not until(log_path.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    status = process.wait(timeout=20)
    return status, SUPERVISOR_LINE.findall(log_path.read_text()), log_path.read_text()


def test_a_background_process_that_keeps_dying_is_restarted_with_a_growing_pause(tmp_path):
    status, lines, log = _supervise(
        tmp_path,
        "web: sleep 60\nbeat: sh -c 'echo tick; exit 3'\n",
        until=lambda log: "restarting it in 4 s" in log,
    )
    beats = _pids(lines, "beat")
    assert (status, [line for line in lines if not line.startswith("web ")]) == (
        0,
        [
            f"beat started (pid {beats[0]})",
            "beat died (exited with status 3); restarting it in 1 s",
            f"beat restarted (pid {beats[1]})",
            "beat died (exited with status 3); restarting it in 2 s",
            f"beat restarted (pid {beats[2]})",
            "beat died (exited with status 3); restarting it in 4 s",
            "asked to stop; stopping everything",
            "everything stopped",
        ],
    )
    # Its output is passed on, each line under its name.
    assert re.findall(r"^\d\d:\d\d:\d\d beat +\| (.*)$", log, re.MULTILINE) == ["tick"] * 3


def test_when_the_web_process_dies_everything_stops_and_the_message_says_how_to_restart(
    tmp_path,
):
    status, lines, _ = _supervise(
        tmp_path,
        "web: sh -c 'sleep 1; exit 2'\nworker: sleep 60\n",
        until=lambda log: "everything stopped" in log,
    )
    [worker] = _pids(lines, "worker")
    assert (status, lines[2:]) == (
        1,
        [
            "web died (exited with status 2): the portal is no longer served. Stopping "
            "everything; the lines above say why. Start it again with `make run`.",
            "everything stopped",
        ],
    )
    assert not _alive(worker)

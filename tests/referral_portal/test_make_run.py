"""`make run`'s script, started as a user would, serves the portal with every part up."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.worker
def test_make_run_serves_home_and_healthy_healthz_within_60_seconds():
    # Under the project, not /tmp/pytest-of-root: PostgreSQL runs as `postgres` and must be
    # able to reach its data folder.
    (ROOT / ".run").mkdir(exist_ok=True)
    tmp_path = Path(tempfile.mkdtemp(prefix="make-run-", dir=ROOT / ".run"))
    tmp_path.chmod(0o755)
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        PORTAL_RUN_DIR=str(tmp_path / "run"),
        PORT=str(port),
        RUN_PG_PORT=str(_free_port()),
        RUN_REDIS_PORT=str(_free_port()),
    )
    log = (tmp_path / "run.log").open("w")
    process = subprocess.Popen(
        ["./scripts/run.sh"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        health = None
        while time.monotonic() < deadline:
            status, body = _get(f"http://127.0.0.1:{port}/healthz")
            if status == 200:
                health = json.loads(body)
                break
            assert process.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            time.sleep(0.5)
        assert health == {"status": "ok", "database": "up", "broker": "up", "worker": "up"}, (
            tmp_path / "run.log"
        ).read_text()[-3000:]
        status, home = _get(f"http://127.0.0.1:{port}/")
        assert status == 200
        assert "Victim Confirmation Referral Portal" in home
        accounts = json.loads((tmp_path / "run" / "demo-accounts.json").read_text())
        assert {account["role"] for account in accounts} >= {"Referrer", "Administrator"}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C sends
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    # Ctrl-C stopped everything it started: nothing listens on the portal's port any more.
    assert _get(f"http://127.0.0.1:{port}/healthz")[0] is None
    assert not (tmp_path / "run" / "postgres" / "data" / "postmaster.pid").exists()
    assert not (tmp_path / "run" / "redis" / "redis.pid").exists()
    shutil.rmtree(tmp_path, ignore_errors=True)

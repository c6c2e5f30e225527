"""Real processes for the routing worker tests: a private redis-server (so a test may stop it
without touching the shared one), a dedicated Celery worker on it (optionally with beat), and a
way to point this test process's publishing at that broker."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings

from referral_portal.celery import app

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """redis-server on a free loopback port, append-only and no eviction (Celery's needs), as
    scripts/lib.sh start_redis runs it; started and stopped by its own process id."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server") or str(ROOT / ".venv/bin/redis-server")
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.ConnectionError:
                time.sleep(0.05)
        pytest.fail("the private redis-server did not start")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def _database_url() -> str:
    database = settings.DATABASES["default"]
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )


class DedicatedWorker:
    """`celery worker` (prefork, one child unless told) on the test database and a broker."""

    def __init__(self, broker_url: str, workdir: Path, *, beat=False, concurrency=1, **environment):
        self.broker_url = broker_url
        self.workdir = workdir
        self.beat = beat
        self.concurrency = concurrency
        self.environment = {key: str(value) for key, value in environment.items()}
        self.process = None
        self.control = Celery(broker=broker_url, set_as_current=False)

    def start(self, wait=True):
        env = {**os.environ, **self.environment}
        env.update(
            DATABASE_URL=_database_url(),
            BROKER_URL=self.broker_url,
            # The same cache as this test process, as every web and worker process shares one.
            CACHE_URL=settings.CACHES["default"]["LOCATION"],
            DJANGO_SETTINGS_MODULE="referral_portal.settings.test",
        )
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "referral_portal",
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "--loglevel=warning",
            "-n",
            f"routing-{os.getpid()}-{free_port()}@%h",
        ]
        if self.beat:
            self.workdir.mkdir(parents=True, exist_ok=True)
            command += ["--beat", "--schedule", str(self.workdir / "beat-schedule")]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("the dedicated Celery worker exited")
            try:
                if self.control.control.ping(timeout=0.5):
                    return
            except Exception:  # noqa: BLE001 - the broker may still be starting
                time.sleep(0.2)
        pytest.fail("the dedicated Celery worker did not answer a ping")

    def stop(self):
        if self.process is None:
            return
        stop_process_group(self.process)
        self.process = None
        self.control.close()


def stop_process_group(process):
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def pool_children(pid: int) -> list[int]:
    """The prefork pool's child processes of a worker's main process (Linux /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()]


@contextmanager
def publishing_to(broker_url: str):
    """Point this process's Celery app (the outbox fast path) at another broker."""
    previous = app.conf.broker_url

    def switch(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    switch(broker_url)
    try:
        yield
    finally:
        switch(previous)

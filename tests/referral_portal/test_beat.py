"""Two real `celery beat` processes on the test database: one sends the periodic tasks, the other
waits on standby, and takes over when the active one is killed (referral_portal/beat.py).

Who sent what is read from the broker itself: every task message carries its sender's process
id in its `origin` header ("gen<pid>@host"). A private redis-server keeps the count exact."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis

from tests.conftest import ROOT, wait_for
from tests.routing.workers import PrivateRedis, _database_url, stop_process_group

pytestmark = [pytest.mark.django_db, pytest.mark.worker]
RELAY = "referral_portal.tasks.relay_outbox"


class Beat:
    def __init__(self, name, broker_url, workdir):
        self.log = workdir / f"{name}.log"
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "BROKER_URL": broker_url,
            "DJANGO_SETTINGS_MODULE": "referral_portal.settings.test",
            "OUTBOX_RELAY_INTERVAL_SECONDS": "1",  # the relay every second, for a short test
            "BEAT_STANDBY_RETRY_SECONDS": "1",
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "referral_portal",
                    "beat",
                    "--loglevel=info",
                    "--schedule",
                    str(workdir / f"{name}-schedule"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def said(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")


def relays_sent_by(broker: redis.Redis) -> list[int]:
    """The sending process id of each relay task message waiting in the queue, oldest first."""
    pids = []
    for raw in reversed(broker.lrange("celery", 0, -1)):  # LPUSH: the newest comes first
        headers = json.loads(raw)["headers"]
        if headers["task"] == RELAY:
            pids.append(int(headers["origin"].removeprefix("gen").split("@")[0]))
    return pids


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.stop()


def test_only_one_beat_sends_and_the_standby_takes_over_when_it_dies(private_redis, tmp_path):
    broker = redis.Redis(port=private_redis.port)
    first = Beat("first", private_redis.url, tmp_path)
    second = None
    try:
        assert wait_for(lambda: first.said("beat lock: active"), timeout=30), first.log.read_text()
        second = Beat("second", private_redis.url, tmp_path)
        assert wait_for(lambda: second.said("beat lock: standby"), timeout=30)

        # Both running: the relay goes out every second, from the first beat only.
        assert wait_for(lambda: len(relays_sent_by(broker)) >= 4, timeout=20)
        assert set(relays_sent_by(broker)) == {first.process.pid}
        assert not second.said("Sending due task")

        os.killpg(first.process.pid, signal.SIGKILL)  # no goodbye: its session just ends
        first.process.wait(timeout=10)
        killed_at, sent_before = time.monotonic(), len(relays_sent_by(broker))
        assert wait_for(lambda: second.said("beat lock: active"), timeout=15)
        assert wait_for(lambda: len(relays_sent_by(broker)) > sent_before, timeout=15)
        assert time.monotonic() - killed_at < 10

        senders = relays_sent_by(broker)
        assert set(senders[:sent_before]) == {first.process.pid}
        assert set(senders[sent_before:]) == {second.process.pid}
    finally:
        for beat in (first, second):
            if beat is not None and beat.process.poll() is None:
                stop_process_group(beat.process)

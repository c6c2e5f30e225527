import pytest
import redis
import time_machine

from tests.referral_portal.operations_data import NOW, SCHEDULE
from tests.routing.workers import PrivateRedis, publishing_to


@pytest.fixture
def frozen_at_now():
    """The clock stopped at operations_data.NOW."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def pinned_schedule(settings):
    """A beat schedule of three known tasks instead of the portal's growing one."""
    settings.CELERY_BEAT_SCHEDULE = SCHEDULE


@pytest.fixture
def private_broker(tmp_path):
    """A redis-server of this test's own as the Celery broker (so the test may stop it), with
    three messages waiting in the default queue."""
    redis_server = PrivateRedis(tmp_path / "redis").start()
    redis.Redis(port=redis_server.port).rpush("celery", "one", "two", "three")
    with publishing_to(redis_server.url):
        yield redis_server
    redis_server.stop()

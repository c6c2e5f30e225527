import importlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import OrganizationFactory, UserFactory
from tests.outbox import drain

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API + ORM

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


# Reference data that migrations load. A transactional test ends with a flush that empties every
# table, so the next test that needs the database gets it back from the same loaders.
REFERENCE_DATA_LOADERS = [
    "referral_portal.migrations.0002_load_counties",
    "routing.migrations.0002_load_directory",
    "reports.migrations.0003_load_calendar",
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("_django_db_helper")
    elif {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("db" if "db" in request.fixturenames else "transactional_db")
    else:
        return
    ensure_reference_data()


def ensure_reference_data():
    """Counties and the routing directory, loaded again if a transactional test flushed them."""
    from django.apps import apps

    from referral_portal.models import County

    if not County.objects.exists():
        for module in REFERENCE_DATA_LOADERS:
            importlib.import_module(module).load(apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits, lockouts and TOTP replay marks live in Redis; each test starts clean."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def drain_outbox():
    """Call it to run the outbox here and now through the real relay and process functions
    (tests/outbox.py `drain`: optional kind, `all_done=True` to require every message done)."""
    return drain


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def referrer(db):
    return UserFactory()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the test database and the test Redis."""
    env = dict(os.environ)
    database = settings.DATABASES["default"]
    env["DATABASE_URL"] = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT']}/{database['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "referral_portal.settings.test"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "referral_portal",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=warning",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    from referral_portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=0.5):
            break
        if process.poll() is not None:
            pytest.fail("The Celery worker exited during start-up")
    else:
        process.kill()
        pytest.fail("The Celery worker did not answer a ping within 60 s")
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def wait_for(predicate, timeout=30.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()

"""manage.py, the WSGI application and the Celery app refuse to start without
DJANGO_SETTINGS_MODULE: no process falls back to the development settings (and their public
keys) because its environment was lost."""

import os
import subprocess
import sys

import pytest

from referral_portal.settings_module import MESSAGE
from tests.conftest import ROOT

COMMANDS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "wsgi": [sys.executable, "-c", "import referral_portal.wsgi"],
    "celery": [sys.executable, "-m", "celery", "-A", "referral_portal", "inspect", "ping"],
}


def _run(command, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(extra)
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("process", COMMANDS)
def test_without_a_settings_module_nothing_starts(process):
    result = _run(COMMANDS[process])

    assert result.returncode != 0
    assert MESSAGE in result.stderr


def test_an_explicit_settings_module_is_honoured():
    result = _run(
        [
            sys.executable,
            "-c",
            "import referral_portal.wsgi; from django.conf import settings; "
            "print(settings.SETTINGS_MODULE)",
        ],
        DJANGO_SETTINGS_MODULE="referral_portal.settings.test",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "referral_portal.settings.test"

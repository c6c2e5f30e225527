"""The development keys are public: with DEBUG off (a deployment) a system check refuses them,
on every command and not only `check --deploy`. The test settings alone allow them."""

import subprocess
import sys

import pytest
from django.core.checks import run_checks

from referral_portal.settings import development_keys
from tests.conftest import ROOT
from tests.security import production


def _ids(settings_changes, settings):
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return {problem.id for problem in run_checks()}


def _fresh_keys():
    return {
        "SECRET_KEY": "a-fresh-secret-key-" + production.key(),
        "FIELD_ENCRYPTION_KEYS": {"k1": production.key()},
        "FIELD_ENCRYPTION_ACTIVE_KEY": "k1",
        "BLIND_INDEX_KEY": production.key(),
    }


def test_the_test_settings_run_on_the_development_keys_and_say_so(settings):
    assert settings.SECRET_KEY == development_keys.SECRET_KEY and settings.DEBUG is False
    assert "portal.E005" not in _ids({}, settings)


def test_with_debug_off_the_development_keys_are_refused(settings):
    assert "portal.E005" in _ids({"ALLOW_DEVELOPMENT_KEYS": False}, settings)


def test_with_debug_on_the_development_keys_are_accepted(settings):
    assert "portal.E005" not in _ids({"ALLOW_DEVELOPMENT_KEYS": False, "DEBUG": True}, settings)


@pytest.mark.parametrize(
    "kept",
    [
        {"SECRET_KEY": development_keys.SECRET_KEY},
        {"BLIND_INDEX_KEY": development_keys.BLIND_INDEX_KEY},
        {
            "FIELD_ENCRYPTION_KEYS": {
                "old": development_keys.FIELD_ENCRYPTION_KEYS["dev1"],
                "k1": production.key(),
            },
        },
    ],
    ids=["secret key", "blind index key", "an old encryption key"],
)
def test_any_one_development_key_left_is_refused(settings, kept):
    changes = {**_fresh_keys(), **kept, "ALLOW_DEVELOPMENT_KEYS": False}

    assert "portal.E005" in _ids(changes, settings)
    assert "portal.E005" not in _ids({**_fresh_keys()}, settings)


def _production_check(**overrides):
    env = {**production.environment(), **overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_with_the_development_keys_fail_the_check():
    result = _production_check(
        SECRET_KEY=development_keys.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=f"dev1={development_keys.FIELD_ENCRYPTION_KEYS['dev1']}",
        FIELD_ENCRYPTION_ACTIVE_KEY="dev1",
        BLIND_INDEX_KEY=development_keys.BLIND_INDEX_KEY,
    )

    assert result.returncode != 0
    assert "portal.E005" in result.stderr
    assert development_keys.SECRET_KEY not in result.stdout + result.stderr


def test_production_settings_with_fresh_keys_pass_the_check():
    result = _production_check()

    assert result.returncode == 0, result.stdout + result.stderr

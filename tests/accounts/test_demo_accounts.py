"""Demo accounts: passwords and TOTP secrets are random (nothing in the code gives them away),
stay the same while .run/demo-accounts.json says what they are, and seed_demo runs only with
DEBUG on."""

import io
import json

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from accounts import demo
from accounts.models import User
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


def _credentials(accounts):
    return {a["username"]: (a["password"], a["totp_secret"]) for a in accounts}


def test_each_new_seeding_draws_new_passwords_and_secrets():
    first = _credentials(demo.seed())
    User.objects.filter(username__in=first).delete()  # another developer's fresh database

    second = _credentials(demo.seed())

    assert first.keys() == second.keys() and "demo-admin" in first
    for username in first:
        assert first[username][0] != second[username][0], username
        assert first[username][1] != second[username][1], username
    source = (ROOT / "accounts" / "demo.py").read_text()
    assert not any(password in source or secret in source for password, secret in first.values())


def test_without_last_runs_file_existing_accounts_get_new_credentials_that_work():
    lost = demo.seed()

    renewed = demo.seed()  # the accounts file was deleted

    for old, new in zip(lost, renewed, strict=True):
        user = User.objects.get(username=new["username"])
        assert new["password"] != old["password"]
        assert user.check_password(new["password"]) and not user.check_password(old["password"])
        assert Authenticator.objects.filter(user=user, type="totp").count() == 1
        assert pyotp.TOTP(new["totp_secret"]).now().isdigit()
        assert new["totp_secret"] != old["totp_secret"]


def test_seed_demo_refuses_to_run_with_debug_off(settings, tmp_path):
    settings.DEBUG = False
    settings.RUN_DIR = tmp_path

    with pytest.raises(CommandError, match="only with DEBUG on"):
        call_command("seed_demo")

    assert not User.objects.filter(username="demo-admin").exists()
    assert not (tmp_path / "demo-accounts.json").exists()


def test_seed_demo_keeps_the_accounts_file_and_credentials_across_runs(settings, tmp_path):
    settings.DEBUG = True
    settings.RUN_DIR = tmp_path
    path = tmp_path / "demo-accounts.json"

    call_command("seed_demo", stdout=io.StringIO())
    first = path.read_text()
    call_command("seed_demo", stdout=io.StringIO())

    assert path.read_text() == first
    assert path.stat().st_mode & 0o777 == 0o600
    admin = next(a for a in json.loads(first) if a["username"] == "demo-admin")
    assert User.objects.get(username="demo-admin").check_password(admin["password"])

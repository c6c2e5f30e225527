"""Links in e-mails and notices use the address the portal is served at: in development the
port `make run` serves on (PORT), in production a setting that must be given."""

import os
import subprocess
import sys

from tests.conftest import ROOT

PRINT_BASE_URL = "from django.conf import settings; print(settings.PORTAL_BASE_URL)"
PRODUCTION_SECRETS = {
    "SECRET_KEY": "test-only-not-a-secret",
    "ALLOWED_HOSTS": "localhost",
    "FIELD_ENCRYPTION_KEYS": "t=dGVzdC1vbmx5LWZpZWxkLWtleS1ub3QtYS1zZWNyZXQh",
    "FIELD_ENCRYPTION_ACTIVE_KEY": "t",
    "BLIND_INDEX_KEY": "dGVzdC1vbmx5LWJsaW5kLWluZGV4LW5vdC1zZWNyZXQ=",
    "METRICS_TOKEN": "test-only-not-a-secret",
    "TRUSTED_PROXY_COUNT": "1",
}


def _settings(module, **extra):
    env = {k: v for k, v in os.environ.items() if k not in {"PORTAL_BASE_URL", "PORT"}}
    env.update(DJANGO_SETTINGS_MODULE=f"referral_portal.settings.{module}", **extra)
    command = [sys.executable, "-c", f"import django; django.setup(); {PRINT_BASE_URL}"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_development_links_use_the_port_the_portal_is_served_on():
    result = _settings("dev", PORT="8123")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "http://127.0.0.1:8123"


def test_development_without_a_port_uses_8000():
    result = _settings("dev")

    assert result.stdout.strip() == "http://127.0.0.1:8000"


def test_development_honours_an_explicit_base_url():
    result = _settings("dev", PORT="8123", PORTAL_BASE_URL="http://portal.test:9000")

    assert result.stdout.strip() == "http://portal.test:9000"


def test_production_refuses_to_start_without_a_base_url():
    result = _settings("production", **PRODUCTION_SECRETS)

    assert result.returncode != 0
    assert "Set the PORTAL_BASE_URL environment variable" in result.stderr


def test_production_uses_the_base_url_it_is_given():
    result = _settings(
        "production", PORTAL_BASE_URL="https://referrals.example.ny.gov", **PRODUCTION_SECRETS
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "https://referrals.example.ny.gov"

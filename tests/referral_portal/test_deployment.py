"""The production topology (docker-compose.yml, Dockerfile, deploy/) kept honest without a Docker
engine: the compose file is read as Compose reads it (YAML with anchors), the health-check script
and the gunicorn settings run for real."""

import gc
import os
import re
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = {"web", "worker", "beat", "migrate"}  # run the portal's own image
LONG_RUNNING = {"proxy", "web", "worker", "beat", "db", "redis", "minio"}
ONE_SHOT = {"migrate", "minio-init"}
# A value Compose takes from .env: ${NAME}, ${NAME:?message} or ${NAME:-default}.
FROM_ENV_FILE = re.compile(r"\$\{[A-Z0-9_]+(?::[?-][^}]*)?\}")
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|_KEY")
# env("NAME") / env.list("NAME") with no default: the settings refuse to load without it.
REQUIRED_SETTING = re.compile(r"\benv(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"\s*\)")
HEALTHCHECK = [sys.executable, str(ROOT / "deploy" / "healthcheck.py")]


def _environment(service):
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        return dict(item.split("=", 1) for item in environment)
    return environment


def _example_names():
    text = (ROOT / ".env.production.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- docker-compose.yml -------------------------------------------------------------------


def test_every_service_is_accounted_for():
    assert set(SERVICES) == LONG_RUNNING | ONE_SHOT


def test_only_the_proxy_publishes_ports_and_only_http_and_https():
    assert {name for name, service in SERVICES.items() if "ports" in service} == {"proxy"}
    assert SERVICES["proxy"]["ports"] == ["80:80", "443:443", "443:443/udp"]


def test_data_services_sit_on_the_internal_network_only():
    assert COMPOSE["networks"]["backend"]["internal"] is True
    for name in ("db", "redis", "minio", "minio-init", "migrate", "beat"):
        assert SERVICES[name]["networks"] == ["backend"], name
    assert SERVICES["proxy"]["networks"] == ["edge", "backend"]


def test_gunicorn_believes_forwarded_headers_only_from_the_backend_network():
    subnet = COMPOSE["networks"]["backend"]["ipam"]["config"][0]["subnet"]
    assert _environment(SERVICES["web"])["GUNICORN_FORWARDED_ALLOW_IPS"] == subnet


def test_every_long_running_service_has_a_health_check_and_restarts():
    for name in LONG_RUNNING:
        assert SERVICES[name]["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
        assert SERVICES[name]["restart"] == "unless-stopped", name


def test_one_shot_services_run_once():
    for name in ONE_SHOT:
        assert SERVICES[name]["restart"] == "no", name


def test_web_worker_and_beat_wait_for_migrations_and_the_bucket():
    for name in ("web", "worker", "beat"):
        assert SERVICES[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "minio-init": {"condition": "service_completed_successfully"},
            "db": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }, name
    assert SERVICES["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "migrate --noinput" in SERVICES["migrate"]["command"][-1]


def test_exactly_one_beat():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1
    runs_beat = {name for name, s in SERVICES.items() if "beat" in (s.get("command") or [])}
    assert runs_beat == {"beat"}


def test_app_containers_are_locked_down():
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["user"] == "10001:10001", name
        assert service["read_only"] is True, name
        assert service["cap_drop"] == ["ALL"], name
        assert service["security_opt"] == ["no-new-privileges:true"], name
        assert "/tmp:size=64m,mode=1777" in service["tmpfs"], name
        assert service["env_file"] == ".env", name
        assert "ports" not in service, name


def test_no_credential_is_written_in_the_compose_file():
    for name, service in SERVICES.items():
        for key, value in _environment(service).items():
            value = str(value)
            if SECRET_NAME.search(key):
                assert FROM_ENV_FILE.fullmatch(value), f"{name}: {key}"
            credentials = re.search(r"://[^/@:]*:([^@]*)@", value)
            if credentials:
                assert FROM_ENV_FILE.fullmatch(credentials.group(1)), f"{name}: {key}"
    redis_command = SERVICES["redis"]["command"][-1]
    assert '--requirepass "$$REDIS_PASSWORD"' in redis_command
    assert 'REDISCLI_AUTH="$$REDIS_PASSWORD"' in SERVICES["redis"]["healthcheck"]["test"][1]


def test_every_value_compose_requires_is_in_the_production_example():
    text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{([A-Z0-9_]+):\?", text))
    assert required == {
        "POSTGRES_PASSWORD",
        "REDIS_PASSWORD",
        "PORTAL_DOMAIN",
        "ACME_EMAIL",
        "MINIO_ROOT_USER",
        "MINIO_ROOT_PASSWORD",
        "PRIVATE_S3_BUCKET",
        "PRIVATE_S3_ACCESS_KEY_ID",
        "PRIVATE_S3_SECRET_ACCESS_KEY",
    }
    assert required <= _example_names()


def test_the_production_example_names_every_setting_production_requires():
    required = set()
    for module in ("base.py", "production.py"):
        source = (ROOT / "referral_portal" / "settings" / module).read_text()
        required |= set(REQUIRED_SETTING.findall(source))
    wanted = required | {"TRUSTED_PROXY_COUNT", "METRICS_TOKEN", "PORTAL_BASE_URL"}
    assert wanted - _example_names() == set()


# --- Dockerfile and .dockerignore ---------------------------------------------------------


def _dockerfile_instructions():
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_image_runs_as_the_fixed_non_root_user_with_production_settings():
    instructions = _dockerfile_instructions()
    assert [line for line in instructions if line.startswith("USER ")] == ["USER 10001:10001"]
    env = " ".join(line for line in instructions if line.startswith("ENV "))
    assert "DJANGO_SETTINGS_MODULE=referral_portal.settings.production" in env
    assert instructions[-1] == (
        'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", '
        '"referral_portal.wsgi:application"]'
    )


def test_build_time_secrets_cover_what_production_requires_and_never_reach_env():
    instructions = _dockerfile_instructions()
    production = (ROOT / "referral_portal" / "settings" / "production.py").read_text()
    required = set(REQUIRED_SETTING.findall(production))
    (collectstatic,) = [line for line in instructions if "collectstatic" in line]
    given = set(re.findall(r"\b([A-Z][A-Z0-9_]*)=", collectstatic))
    assert required - given == set()
    env = " ".join(line for line in instructions if line.startswith(("ENV ", "ARG ")))
    assert {name for name in given if name + "=" in env} == set()


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    lines = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for entry in (".env", ".env.*", ".run/", ".venv/", ".git/", "staticfiles/", "tests/"):
        assert entry in lines, entry
    # Docker applies the last matching line: the example must be re-included after `.env.*`.
    assert lines.index("!.env.example") > lines.index(".env.*")
    assert "**/__pycache__/" in lines and ".pytest_cache/" in lines and "test-results/" in lines


# --- deploy/gunicorn.conf.py --------------------------------------------------------------


def test_gunicorn_workers_follow_the_cpu_count_unless_set(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["workers"] == os.cpu_count() * 2 + 1
    monkeypatch.setenv("GUNICORN_WORKERS", "7")
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["workers"] == 7


def test_gunicorn_settings_suit_a_read_only_container(monkeypatch):
    monkeypatch.setenv("GUNICORN_FORWARDED_ALLOW_IPS", "172.31.250.0/24")
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert config["bind"] == "0.0.0.0:8000"  # noqa: S104 - inside the container network
    assert config["worker_tmp_dir"] == "/dev/shm"
    assert config["control_socket_disable"] is True
    assert config["forwarded_allow_ips"] == "172.31.250.0/24"
    assert (config["max_requests"], config["max_requests_jitter"]) == (1000, 100)
    assert config["accesslog"] == "-"


def test_gunicorn_keeps_the_portals_own_objects_out_of_the_garbage_collectors_scans():
    """Once the portal is loaded, and after the first requests, what exists is frozen: full
    collections then scan only a request's garbage, not the worker's 200,000 lasting objects."""
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    worker = SimpleNamespace(nr=0)
    try:
        config["post_worker_init"](worker)
        after_load = gc.get_freeze_count()
        assert after_load > 10_000

        lasting = [[] for _ in range(1000)]  # what a first request loads and keeps (tracked)
        worker.nr = 2  # not a request after which the worker freezes again
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() == after_load
        worker.nr = config["FREEZE_AFTER_REQUESTS"][1]
        config["post_request"](worker, None, {}, None)
        assert gc.get_freeze_count() >= after_load + len(lasting)
    finally:
        gc.unfreeze()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with the production config file (on a free loopback port), serving the portal
    with the test settings against this run's PostgreSQL and Redis."""
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "GUNICORN_WORKERS": "1"}
    env["DJANGO_SETTINGS_MODULE"] = "referral_portal.settings.test"
    env.pop("ALLOWED_HOSTS", None)  # the health check then asks for localhost, as allowed
    command = [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", "referral_portal.wsgi:application"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 60
        while subprocess.run([*HEALTHCHECK, "web", str(port)], env=env).returncode != 0:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        yield port, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_access_log_has_the_path_but_never_the_query_string(gunicorn):
    port, log = gunicorn
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            b"GET /healthz?name=Jane+Roe HTTP/1.1\r\nHost: localhost\r\n"
            b"X-Forwarded-For: 203.0.113.9\r\nConnection: close\r\n\r\n"
        )
        while connection.recv(4096):
            pass
    deadline = time.monotonic() + 10
    while "203.0.113.9" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    (line,) = [line for line in log.read_text().splitlines() if "203.0.113.9" in line]
    expected = r'203\.0\.113\.9 "GET /healthz HTTP/1\.1" 200 \d+ \d+ms request_id=\w+ "-"'
    assert re.fullmatch(expected, line)


# --- deploy/healthcheck.py ----------------------------------------------------------------


def test_web_check_fails_when_nothing_answers():
    assert subprocess.run([*HEALTHCHECK, "web", str(_free_port())], check=False).returncode == 1


def test_beat_check_wants_a_recently_written_schedule(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    check = [*HEALTHCHECK, "beat", str(schedule), "600"]
    assert subprocess.run(check, check=False).returncode == 1  # beat never wrote it
    wal = tmp_path / "celerybeat-schedule-wal"  # Python 3.13's sqlite3 dbm writes beside it
    wal.write_bytes(b"")
    assert subprocess.run(check, check=False).returncode == 0
    old = time.time() - 601
    os.utime(wal, (old, old))
    assert subprocess.run(check, check=False).returncode == 1

"""Logs and error pages carry no personal data (ASVS V16.2.5, V16.4.1, V16.5.1; CJIS AU-3(3)).

Each test goes through the handler that settings.LOGGING really configures, so removing the
redaction filter, the JSON formatter or the logger overrides makes them fail."""

import io
import json
import logging
import sys
import uuid

import pytest
from django.template import TemplateDoesNotExist
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.debug import ExceptionReporter
from faker import Faker

from referral_portal.logging import JsonFormatter
from referral_portal.roles import Role
from tests.factories import UserFactory

fake = Faker()
logger = logging.getLogger("referral_portal.tests")


@pytest.fixture
def log_output():
    """What the configured console handler writes, one parsed JSON object per line."""
    handler = next(
        h for h in logging.getLogger().handlers if isinstance(h.formatter, JsonFormatter)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)

    def lines():
        text = stream.getvalue()
        return text, [json.loads(line) for line in text.splitlines()]

    yield lines
    handler.setStream(previous)


@pytest.fixture
def person():
    return {
        "name": fake.name(),
        "email": fake.email(),
        "phone": fake.numerify("(518) 555-####"),
        "dob": fake.date_of_birth(minimum_age=18, maximum_age=60).isoformat(),
        "us_dob": fake.date_of_birth().strftime("%m/%d/%Y"),
        "ssn": fake.ssn(),
    }


def _assert_absent(text, person):
    for key, value in person.items():
        assert value not in text, f"{key} leaked into the output"


def test_personal_fields_and_exception_messages_are_redacted(log_output, person):
    try:
        raise LookupError(f"No match for {person['name']}")
    except LookupError:
        logger.exception(
            "Contact %s at %s, born %s (%s), SSN %s",
            person["email"],
            person["phone"],
            person["dob"],
            person["us_dob"],
            person["ssn"],
        )

    text, (entry,) = log_output()
    _assert_absent(text, person)
    assert entry["message"] == "Contact [email] at [number], born [date] ([date]), SSN [number]"
    assert "builtins.LookupError: (message redacted)" in entry["exception"]
    assert "test_logging.py" in entry["exception"]  # the frames stay for debugging


def test_ids_and_code_derived_messages_survive(log_output):
    referral_id = "6f1c1e9a-3b59-4c84-9d6e-2b7f1c0d9e41"
    try:
        raise TemplateDoesNotExist("referrals/detail.html")
    except TemplateDoesNotExist:
        logger.exception("Referral %s could not be shown", referral_id)

    _, (entry,) = log_output()
    assert entry["message"] == f"Referral {referral_id} could not be shown"
    assert "TemplateDoesNotExist: referrals/detail.html" in entry["exception"]


def test_cr_lf_cannot_forge_a_log_line(log_output):
    forged = 'x\r\n{"level": "INFO", "message": "admin signed in"}\n'

    logger.warning("Lookup of %s failed", forged)

    text, entries = log_output()
    assert text.count("\n") == 1 and len(entries) == 1
    assert entries[0]["message"].startswith("Lookup of x\r\n")


@pytest.mark.django_db
def test_request_ids_are_on_log_lines_and_responses(client, log_output):
    response = client.get("/no-such-page/")

    _, entries = log_output()
    (entry,) = [e for e in entries if e["logger"] == "django.request"]
    assert entry["request_id"] == response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32
    assert entry["status_code"] == 404


@pytest.mark.django_db
def test_a_well_formed_request_id_from_the_proxy_is_kept_and_a_forged_one_replaced(client):
    kept = client.get("/", HTTP_X_REQUEST_ID="proxy-abc123-def456")
    replaced = client.get("/", HTTP_X_REQUEST_ID="bad\r\nid")

    assert kept["X-Request-ID"] == "proxy-abc123-def456"
    assert len(replaced["X-Request-ID"]) == 32 and "\n" not in replaced["X-Request-ID"]


@pytest.mark.django_db
def test_a_500_with_a_posted_body_leaks_nothing(log_output, person, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError(f"could not save {person['name']} {person['email']}")

    monkeypatch.setattr("referral_portal.views.JsonResponse", broken)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(role=Role.REFERRER))

    response = client.post(reverse("session_keepalive"), person)

    assert response.status_code == 500
    _assert_absent(response.content.decode(), person)
    assert "Something went wrong on our side" in response.content.decode()
    text, entries = log_output()
    _assert_absent(text, person)
    (entry,) = [e for e in entries if e["logger"] == "django.request"]
    assert entry["status_code"] == 500
    assert "builtins.ValueError: (message redacted)" in entry["exception"]


def test_django_errors_are_never_e_mailed_with_request_bodies():
    django_logger = logging.getLogger("django")
    handlers = [
        h
        for h in django_logger.handlers + logging.getLogger("django.request").handlers
        if not type(h).__module__.startswith("_pytest")  # pytest's own capture
    ]
    assert handlers, "django's logger must be configured by the portal"
    assert not any(type(h).__name__ == "AdminEmailHandler" for h in handlers)
    assert all(isinstance(h.formatter, JsonFormatter) for h in handlers)
    assert not django_logger.propagate


def test_error_reports_hide_post_values_cookies_and_local_variables(person, settings):
    settings.DEBUG = True  # even the technical page of a developer's machine
    request = RequestFactory().post("/", person)
    cookie = uuid.uuid4().hex
    request.COOKIES["sessionid"] = cookie
    secret_local = person["name"]  # noqa: F841 - a local a traceback would show
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    text = reporter.get_traceback_text() + reporter.get_traceback_html()

    _assert_absent(text, person)
    assert cookie not in text


ERROR_PAGES = [
    ("/no-such-page/", {}, 404, "Page not found"),
    ("/", {"HTTP_HOST": "attacker.example"}, 400, "Something was wrong with the request"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "extra", "status", "heading"), ERROR_PAGES)
def test_error_pages_are_generic(client, settings, path, extra, status, heading):
    assert settings.DEBUG is False
    response = client.get(path + "?email=someone%40example.org&name=Jane+Roe", **extra)

    body = response.content.decode()
    assert response.status_code == status
    assert heading in body
    for leak in ("someone@example.org", "Jane Roe", "Traceback", "attacker.example", "SECRET"):
        assert leak not in body


@pytest.mark.django_db
def test_the_403_page_is_generic(client):
    client.force_login(UserFactory(role=Role.REFERRER))

    response = client.get(reverse("access_log:search") + "?name=Jane+Roe")

    assert response.status_code == 403
    body = response.content.decode()
    assert "This page is not available to you" in body
    assert "Jane Roe" not in body


@pytest.mark.django_db
def test_a_denied_request_is_logged_with_its_request_id_and_no_query(client, log_output):
    client.force_login(UserFactory(role=Role.REFERRER))

    response = client.get(reverse("access_log:search") + "?person=jroe%40example.org")

    _, entries = log_output()
    (entry,) = [e for e in entries if e["logger"] == "django.request"]
    assert entry["status_code"] == 403 and entry["level"] == "WARNING"
    assert entry["request_id"] == response["X-Request-ID"]
    assert "jroe" not in json.dumps(entry)


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/invitation/q8Zt3xY0-aP1kLmN2oPq3rSt4uVw5xYz/",
        "/accounts/password/reset/key/1b-c3f2a8e9d7b6a5c4e3d2/",
    ],
)
def test_secrets_in_url_paths_never_reach_the_logs(path):
    from referral_portal.logging import redact

    logged = redact(f'"GET {path} HTTP/1.1" 200 5120')

    secret = path.rstrip("/").rsplit("/", 1)[1]
    assert secret not in logged
    assert "[secret]" in logged

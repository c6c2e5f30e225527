"""Structured JSON logs that never carry personal data (ASVS V16.2.5, V16.4.1; CJIS AU-3(3)).

Log calls in this code base pass ids and reference numbers only. This module is the second
line of defence:
- RedactPersonalDataFilter drops the request (and with it POST bodies, cookies and query
  strings) that Django attaches to `django.request` records, masks anything in the message that
  looks like an e-mail address, phone number, date or identity number, and replaces every
  exception message with its type: a message like "no match for Jane Doe" is where a name slips
  through. Tracebacks keep their frames (file, line, code), which hold no data.
- JsonFormatter writes one JSON object per line; json.dumps escapes CR and LF, so no value can
  forge a second log line. It redacts again, so a handler configured without the filter still
  leaks nothing.
- PortalExceptionReporterFilter hides every POST value and request variable from Django's error
  reports, whatever DEBUG says.
"""

import json
import logging
import re
import traceback
from datetime import UTC, datetime

from django.views.debug import SafeExceptionReporterFilter

from .request_id import current_request_id

# Ids (UUIDs, request ids) are kept as they are: they are what makes a log line useful, and some
# of their digit runs would otherwise look like phone numbers.
_IDS = re.compile(
    r"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
    r"|\b[0-9a-f]{32}\b)"
)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    (re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), "[date]"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"), "[date]"),
    (re.compile(rf"\b{_MONTHS}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b", re.I), "[date]"),
    (re.compile(rf"\b\d{{1,2}} {_MONTHS}\.?,? \d{{4}}\b", re.I), "[date]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[number]"),  # social security number
    (re.compile(r"(?<![\w])\+\d[\d ().-]{7,}\d"), "[number]"),  # international phone
    (re.compile(r"(?<![\w-])\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b"), "[number]"),  # US phone
    (re.compile(r"\bA-?\d{8,9}\b"), "[number]"),  # alien registration number
    (re.compile(r"\b\d{9,}\b"), "[number]"),  # long digit runs: account or case numbers
]
# Secrets that travel in a URL path (invitation tokens, password-reset keys): the web server's
# access log would otherwise hold a working link.
_PATH_SECRETS = re.compile(r"(/invitation/|/password/reset/key/)[^/\s\"?]+")
# Attributes Django and libraries attach to records that may hold request data.
_DROP_ATTRIBUTES = ("request", "data", "body", "params", "args_repr", "kwargs_repr")
_EXTRA_KEYS = ("event", "user_id", "object_id", "status_code", "task_id", "outbox_id")
# Exceptions whose messages come from code (template names, settings, attribute names), never
# from data: their message is kept, redacted like any text, because it is what a developer needs.
_CODE_MESSAGE_TYPES = (
    "django.template.exceptions.TemplateDoesNotExist",
    "django.template.exceptions.TemplateSyntaxError",
    "django.core.exceptions.ImproperlyConfigured",
    "django.core.exceptions.FieldError",
    "django.core.exceptions.FieldDoesNotExist",
    "django.core.exceptions.AppRegistryNotReady",
    "builtins.ImportError",
    "builtins.ModuleNotFoundError",
    "builtins.AttributeError",
    "builtins.NameError",
)


def redact(text: str) -> str:
    """Mask personal-looking values in free text; ids are left alone."""
    parts = _IDS.split(_PATH_SECRETS.sub(r"\1[secret]", str(text)))
    for index in range(0, len(parts), 2):  # even parts are text, odd parts are ids
        for pattern, replacement in _PATTERNS:
            parts[index] = pattern.sub(replacement, parts[index])
    return "".join(parts)


def safe_traceback(exc_info) -> str:
    """The traceback with every exception's message replaced by its type."""
    _, error, _ = exc_info
    chain = []
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        chain.append(error)
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    lines = []
    for error in reversed(chain):
        kind = type(error)
        lines.append("Traceback (most recent call last):\n")
        lines.extend(traceback.format_tb(error.__traceback__))
        name = f"{kind.__module__}.{kind.__qualname__}"
        message = str(error) if name in _CODE_MESSAGE_TYPES else "(message redacted)"
        lines.append(f"{name}: {message}\n")
    return redact("".join(lines)).rstrip("\n")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        # django.request logs 4xx/5xx after the middleware has returned, so the context variable
        # is already reset; the request it attaches still carries the id.
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            record.exc_text = safe_traceback(record.exc_info)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        for attribute in _DROP_ATTRIBUTES:
            if hasattr(record, attribute):
                setattr(record, attribute, None)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None) or current_request_id.get(),
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = safe_traceback(record.exc_info)
        elif record.exc_text:
            entry["exception"] = redact(record.exc_text)
        for key in _EXTRA_KEYS:
            if getattr(record, key, None) is not None:
                entry[key] = getattr(record, key)
        # json.dumps escapes CR/LF and other control characters: one record, one line.
        return json.dumps(entry, default=str)


class PortalExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the technical 500 page, e-mailed reports) show no request data at all:
    POST values, cookies and request variables can all hold a victim's details."""

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_safe_request_meta(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.META, self.cleansed_substitute)

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.COOKIES, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

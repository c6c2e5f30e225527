"""Structured JSON logs that never carry personal data.

Log calls in this code base pass ids and reference numbers only. This filter is the second
line: it drops request bodies and query strings that Django attaches to error records, and
masks anything in the message that looks like an e-mail address, phone number or date.
"""

import json
import logging
import re
from datetime import UTC, datetime

from .request_id import current_request_id

_PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\+?\d[\d ().-]{7,}\d"), "[number]"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}\b"), "[date]"),
    (re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"), "[date]"),
]
# Attributes Django and others attach to records that may hold request data.
_DROP_ATTRIBUTES = ("request", "data", "body", "params", "args_repr")


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get()
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
            # Exception messages can quote values (e.g. a failed lookup); keep only the type.
            exc_type = record.exc_info[0]
            record.exc_text = f"{exc_type.__module__}.{exc_type.__qualname__} (details redacted)"
            record.exc_info = None
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
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        for key in ("event", "user_id", "object_id", "status_code"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        # json.dumps escapes CR/LF, so a value cannot forge a second log line.
        return json.dumps(entry, default=str)

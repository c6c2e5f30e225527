"""Idempotency-Key on every POST: a retry with the same key gets the first answer again.

The record is written first, in the transaction that wraps the whole request, so two requests
with one key never both run: the second waits on the unique index and then replays what the
first answered. A key reused for a different request (another path or body) is a 422. Server
errors are not stored: the transaction rolls back and a retry runs again."""

import hashlib
import json
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from .models import IdempotencyRecord

HEADER = "Idempotency-Key"
_KEY = re.compile(r"^[A-Za-z0-9._:\-]{8,100}$")
KEY_ERROR = "Send an Idempotency-Key header of 8 to 100 letters, digits and . _ : -"
PENDING = 0


def fingerprint(request) -> str:
    """Method, path and the parsed body (so a retry that re-encodes the JSON still matches)."""
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method}\n{request.path}\n{body}".encode()).hexdigest()


def valid_key(key: str | None) -> bool:
    return bool(key) and bool(_KEY.match(key))


def run_once(*, client, key: str, request, handle) -> Response:
    """Answer `request` through `handle()` once per (client, key)."""
    print_ = fingerprint(request)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    client=client, key=key, fingerprint=print_, status_code=PENDING, body={}
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.select_for_update().get(client=client, key=key)
            if record.fingerprint != print_:
                return Response(
                    {"detail": "This Idempotency-Key was used for a different request."},
                    status=422,
                )
            response = Response(record.body, status=record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        response = handle()
        if response.status_code >= 500 or response.status_code == 429:
            transaction.set_rollback(True)
            return response
        record.status_code = response.status_code
        record.body = response.data if response.data is not None else {}
        record.save(update_fields=["status_code", "body"])
        return response


def forget_old_records(now=None) -> int:
    """Delete records older than API_IDEMPOTENCY_DAYS (a retry comes within minutes; a key kept
    longer only keeps a copy of the answer). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.API_IDEMPOTENCY_DAYS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted

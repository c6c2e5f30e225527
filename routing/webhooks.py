"""Signed POSTs to a receiving organization's own system.

The body carries ids and the reference number only, never personal data: the receiver fetches
the case from the portal. Headers:
- X-Portal-Signature: "sha256=" + hex HMAC-SHA256 of the exact body bytes with the shared secret.
- Idempotency-Key: the delivery's public id, the same on every retry, so the receiver can drop
  repeats (a worker killed after the POST but before its commit sends it again).
Redirects are not followed; any answer other than 2xx counts as a failure and is retried.
"""

import hashlib
import hmac
import json
import random
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

SIGNATURE_HEADER = "X-Portal-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT = "case.routed"


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    error: str = ""  # short, never the body or anything personal


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_is_valid(body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature or "")


def body_for(delivery) -> bytes:
    case_path = reverse("routing:case_detail", args=[delivery.public_id])
    document = {
        "event": EVENT,
        "delivery_id": str(delivery.public_id),
        "referral_id": str(delivery.referral.public_id),
        "reference": delivery.referral.reference,
        "organization_id": str(delivery.organization.public_id),
        "destination": delivery.destination,
        "case_url": settings.PORTAL_BASE_URL.rstrip("/") + case_path,
        "sent_at": timezone.now().isoformat(),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 3xx is then raised as an HTTPError and counted as a failure


_opener = urllib.request.build_opener(_NoRedirects)


def post(endpoint, delivery) -> WebhookResult:
    if not endpoint.url.startswith(("https://", "http://")):
        return WebhookResult(False, "unsupported address")
    body = body_for(delivery)
    request = urllib.request.Request(  # noqa: S310 - the scheme is validated on the model
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "NYS-Referral-Portal/1",
            SIGNATURE_HEADER: sign(body, endpoint.secret),
            IDEMPOTENCY_HEADER: str(delivery.public_id),
        },
    )
    try:
        with _opener.open(request, timeout=settings.ROUTING_WEBHOOK_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return WebhookResult(False, f"HTTP {error.code}")
    except TimeoutError:
        return WebhookResult(False, "timed out")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        return WebhookResult(False, f"connection failed: {type(reason).__name__}")
    if 200 <= status < 300:
        return WebhookResult(True)
    return WebhookResult(False, f"HTTP {status}")


def backoff(attempts: int) -> timedelta:
    """Exponential with jitter: base, 2 x base, 4 x base ... capped, each +-20%."""
    base = settings.ROUTING_WEBHOOK_RETRY_BASE_SECONDS
    ceiling = settings.ROUTING_WEBHOOK_RETRY_MAX_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), ceiling)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311 - not security

"""Signed POSTs to a receiving organization's own system (docs/webhooks.md tells receivers how
to check them).

The body carries ids and the reference number only, never personal data: the receiver fetches
the case from the portal. Headers:
- X-Portal-Signature: "t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<body>'>" with the shared
  secret. The time is signed with the body, so a receiver that refuses stale times (five
  minutes) cannot be fed a recorded request again later.
- Idempotency-Key: the delivery's public id, the same on every retry, so the receiver can drop
  repeats (a worker killed after the POST but before its commit sends it again).
The host is resolved once and must be public (routing.public_addresses); the connection goes to
that address while Host, TLS SNI and the certificate check use the name. Redirects are not
followed; any answer other than 2xx counts as a failure and is retried. Errors are recorded in
a few fixed words: never an exception's text, which would name addresses and ports.
"""

import hashlib
import hmac
import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from referral_portal import outbox

from .public_addresses import AddressRefused, AddressUnresolved, resolve

SIGNATURE_HEADER = "X-Portal-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
EVENT = "case.routed"
REPLAY_WINDOW_SECONDS = 300  # what docs/webhooks.md asks receivers to accept

# The only error texts a delivery records (shown to administrators and in their e-mails).
REFUSED = "refused: not a public address"
UNSUPPORTED = "unsupported address"
COULD_NOT_CONNECT = "could not connect"
TIMED_OUT = "timed out"


@dataclass(frozen=True)
class WebhookResult:
    ok: bool
    error: str = ""  # one of the fixed texts above, or "HTTP <status>"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(body: bytes, secret: str, timestamp: int) -> str:
    return f"t={timestamp},v1={_digest(secret, timestamp, body)}"


def signature_is_valid(body: bytes, secret: str, header: str, *, now: float | None = None) -> bool:
    """What a receiver does: a signature over this body, made within the replay window."""
    fields = dict(part.strip().split("=", 1) for part in (header or "").split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > REPLAY_WINDOW_SECONDS:
        return False
    return hmac.compare_digest(_digest(secret, timestamp, body), fields.get("v1", ""))


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


class _PinnedConnection(http.client.HTTPConnection):
    """Connects to addresses checked beforehand, never resolving the host name again."""

    targets: list[tuple] = []

    def connect(self):
        failure = OSError("no address")
        for family, sockaddr in self.targets:
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
            except OSError as error:
                sock.close()
                failure = error
                continue
            self.sock = sock
            return
        raise failure


class _PinnedTLSConnection(http.client.HTTPSConnection, _PinnedConnection):
    """HTTPSConnection.connect calls the pinned connect above, then wraps the socket with the
    host name as SNI and checks the certificate against that name."""


def _connection(parts, port: int, targets) -> _PinnedConnection:
    timeout = settings.ROUTING_WEBHOOK_TIMEOUT_SECONDS
    if parts.scheme == "https":
        context = ssl.create_default_context()  # verifies the chain and the host name
        connection = _PinnedTLSConnection(parts.hostname, port, timeout=timeout, context=context)
    else:
        connection = _PinnedConnection(parts.hostname, port, timeout=timeout)
    connection.targets = targets
    return connection


def post(endpoint, delivery) -> WebhookResult:
    parts = urlsplit(endpoint.url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return WebhookResult(False, UNSUPPORTED)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return WebhookResult(False, UNSUPPORTED)
    try:
        targets = resolve(parts.hostname, port)
    except AddressRefused:
        return WebhookResult(False, REFUSED)
    except AddressUnresolved:
        return WebhookResult(False, COULD_NOT_CONNECT)
    body = body_for(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "NYS-Referral-Portal/1",
        SIGNATURE_HEADER: sign(body, endpoint.secret, int(time.time())),
        IDEMPOTENCY_HEADER: str(delivery.public_id),
    }
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts, port, targets)
    try:
        connection.request("POST", target, body=body, headers=headers)
        status = connection.getresponse().status
    except TimeoutError:
        return WebhookResult(False, TIMED_OUT)
    except (OSError, http.client.HTTPException):
        return WebhookResult(False, COULD_NOT_CONNECT)
    finally:
        connection.close()
    if 200 <= status < 300:
        return WebhookResult(True)
    return WebhookResult(False, f"HTTP {status}")


def backoff(attempts: int) -> timedelta:
    """The wait before a delivery's next try: the outbox's backoff with the webhook settings
    (base, 2 x base, 4 x base ... capped), each +-20%."""
    return outbox.backoff(
        attempts,
        base=settings.ROUTING_WEBHOOK_RETRY_BASE_SECONDS,
        ceiling=settings.ROUTING_WEBHOOK_RETRY_MAX_SECONDS,
        jitter=0.2,
    )

"""A receiving agency's system on loopback: a tiny http.server in a thread that checks the
signature, answers 500 to the first `fail_first` requests, and accepts each Idempotency-Key once,
as a well-behaved receiver would. With `tls` (an ssl.SSLContext) it speaks HTTPS and records the
server name each client asked for (SNI)."""

import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from routing.webhooks import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature_is_valid


@dataclass
class Received:
    body: bytes
    key: str
    signature_valid: bool
    status: int
    host: str = ""  # the Host header
    signature: str = ""  # the signature header as sent


@dataclass
class WebhookReceiver:
    secret: str
    fail_first: int = 0
    hold_first: threading.Event | None = None  # the first request waits until this is set
    requests: list[Received] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    tls: ssl.SSLContext | None = None
    server_names: list[str | None] = field(default_factory=list)

    def __post_init__(self):
        receiver = self
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get(IDEMPOTENCY_HEADER, "")
                signature = self.headers.get(SIGNATURE_HEADER, "")
                valid = signature_is_valid(body, receiver.secret, signature)
                with receiver._lock:
                    number = len(receiver.requests)
                    status = 500 if number < receiver.fail_first else 200
                    if not valid:
                        status = 401
                    received = Received(
                        body, key, valid, status, self.headers.get("Host", ""), signature
                    )
                    receiver.requests.append(received)
                receiver.first_arrived.set()
                if number == 0 and receiver.hold_first is not None:
                    receiver.hold_first.wait(timeout=60)
                if status == 200:
                    with receiver._lock:
                        receiver.accepted.setdefault(key, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if self.tls is not None:
            self.tls.sni_callback = lambda sock, name, context: self.server_names.append(name)
            self.server.socket = self.tls.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return self.url_for("127.0.0.1")

    def url_for(self, host: str) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host}:{self.port}/hooks/cases"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.hold_first is not None:
            self.hold_first.set()
        self.server.shutdown()
        self.server.server_close()

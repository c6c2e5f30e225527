"""A receiving agency's system on loopback: a tiny http.server in a thread that checks the
signature, answers 500 to the first `fail_first` requests, and accepts each Idempotency-Key once,
as a well-behaved receiver would."""

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


@dataclass
class WebhookReceiver:
    secret: str
    fail_first: int = 0
    hold_first: threading.Event | None = None  # the first request waits until this is set
    requests: list[Received] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)
    first_arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        receiver = self
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get(IDEMPOTENCY_HEADER, "")
                valid = signature_is_valid(
                    body, receiver.secret, self.headers.get(SIGNATURE_HEADER, "")
                )
                with receiver._lock:
                    number = len(receiver.requests)
                    status = 500 if number < receiver.fail_first else 200
                    if not valid:
                        status = 401
                    receiver.requests.append(Received(body, key, valid, status))
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
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/cases"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        if self.hold_first is not None:
            self.hold_first.set()
        self.server.shutdown()
        self.server.server_close()

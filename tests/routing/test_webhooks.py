"""Webhook hardening: public addresses only (at save and at send, the resolved address pinned),
errors that name no address or port, and timestamped signatures receivers can check as
docs/webhooks.md shows. The receiver runs on loopback, so each refusal test turns
ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES off; a fake resolver stands in for DNS (outside the
machine) where a test needs a host name."""

import hashlib
import hmac
import re
import socket
import threading
import time

import pytest
import time_machine
from django.urls import reverse

from referral_portal.roles import Role
from routing import webhooks
from routing.models import DeliveryState, RoutingEndpoint
from tests.conftest import ROOT
from tests.factories import UserFactory
from tests.outbox import drain
from tests.routing.certificates import server_context
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral, district
from tests.routing.receiver import WebhookReceiver

pytestmark = pytest.mark.django_db
SECRET = "webhook-hardening-shared-secret-0123456789"
PUBLIC_MESSAGE = "Enter the address of a server on the public internet."
_real_getaddrinfo = socket.getaddrinfo


def _deliver(url):
    RoutingEndpoint.objects.create(organization=district().organization, url=url, secret=SECRET)
    [delivery] = route(confirmed_referral())
    drain()
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def fake_dns(monkeypatch):
    """Answers for made-up names, one list per lookup (the last one repeats); real lookups for
    every other name. Returns the names looked up, in order."""
    answers: dict[str, list[list[str]]] = {}
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in addresses
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    fake = type("FakeDNS", (), {"answers": answers, "asked": asked})
    return fake


# --- at save time ---------------------------------------------------------------------------
@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return client


def _save(admin_client, url):
    return admin_client.post(
        reverse("admin:routing_routingendpoint_add"),
        {
            "organization": district().organization.pk,
            "url": url,
            "secret": SECRET,
            "is_active": "on",
        },
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://127.8.9.10:8443/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://172.16.0.5/hook",
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://0.0.0.0/hook",
        "https://224.0.0.251/hook",
        "https://240.0.0.1/hook",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[::ffff:8.8.8.8]/hook",
        "https://[fe80::1]/hook",
        "https://[fd00::1]/hook",
        "https://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 for 169.254.169.254
        "https://[2002:7f00:1::1]/hook",  # 6to4 for 127.0.0.1
        "https://no-such-host.invalid/hook",
    ],
)
def test_an_address_outside_the_public_internet_cannot_be_saved(admin_client, settings, url):
    settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False

    response = _save(admin_client, url)

    assert response.status_code == 200
    assert PUBLIC_MESSAGE in response.content.decode()
    assert not RoutingEndpoint.objects.exists()


def test_a_name_with_one_private_address_among_public_ones_cannot_be_saved(
    admin_client, settings, fake_dns
):
    settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    fake_dns.answers["mixed.receiver.test"] = [["93.184.215.14", "10.0.0.7"]]

    response = _save(admin_client, "https://mixed.receiver.test/hook")

    assert PUBLIC_MESSAGE in response.content.decode()
    assert not RoutingEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["https://93.184.215.14/hook", "https://[2606:4700::1111]/hook", "https://dss.test/h"]
)
def test_a_public_address_is_saved(admin_client, settings, fake_dns, url):
    settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    fake_dns.answers["dss.test"] = [["93.184.215.14", "2606:4700::1111"]]

    response = _save(admin_client, url)

    assert response.status_code == 302
    assert RoutingEndpoint.objects.get().url == url


# --- at send time ---------------------------------------------------------------------------
def test_a_private_address_saved_earlier_is_refused_at_send_time(settings):
    settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with WebhookReceiver(secret=SECRET) as receiver:
        delivery = _deliver(receiver.url)

    assert receiver.requests == []  # never contacted
    assert delivery.last_error == "Webhook: refused: not a public address"
    assert delivery.state == DeliveryState.QUEUED and delivery.attempts == 1


def test_a_name_that_turns_private_after_saving_is_refused_at_send_time(settings, fake_dns):
    settings.ROUTING_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    with WebhookReceiver(secret=SECRET) as receiver:
        fake_dns.answers["rebinding.receiver.test"] = [["93.184.215.14", "127.0.0.1"]]
        delivery = _deliver(receiver.url_for("rebinding.receiver.test"))

    assert receiver.requests == []
    assert delivery.last_error == "Webhook: refused: not a public address"


def test_the_name_is_resolved_once_and_that_address_is_the_one_called(fake_dns):
    """A second lookup would answer 127.0.0.2, where nothing listens: the delivery succeeds
    only if the connection goes to the address the check saw."""
    with WebhookReceiver(secret=SECRET) as receiver:
        fake_dns.answers["pinned.receiver.test"] = [["127.0.0.1"], ["127.0.0.2"]]
        delivery = _deliver(receiver.url_for("pinned.receiver.test"))

    assert delivery.state == DeliveryState.DELIVERED
    assert fake_dns.asked == ["pinned.receiver.test"]
    [request] = receiver.requests
    assert request.host == f"pinned.receiver.test:{receiver.port}"
    assert request.signature_valid


def test_tls_uses_the_name_for_sni_and_the_certificate_while_connecting_to_the_address(
    fake_dns,
    monkeypatch,
    tmp_path,
    drain_outbox,
):
    context, ca_file = server_context(tmp_path / "tls", "secure.receiver.test")
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the portal trusts the test CA only
    fake_dns.answers["secure.receiver.test"] = [["127.0.0.1"]]
    fake_dns.answers["impostor.receiver.test"] = [["127.0.0.1"]]
    with WebhookReceiver(secret=SECRET, tls=context) as receiver:
        delivery = _deliver(receiver.url_for("secure.receiver.test"))
        endpoint = RoutingEndpoint.objects.get()
        endpoint.url = receiver.url_for("impostor.receiver.test")  # same server, wrong name
        endpoint.save()
        [other] = route(confirmed_referral())
        drain_outbox()
        other.refresh_from_db()

    assert delivery.state == DeliveryState.DELIVERED
    assert receiver.server_names[0] == "secure.receiver.test"
    assert [r.host for r in receiver.requests] == [f"secure.receiver.test:{receiver.port}"]
    assert other.state == DeliveryState.QUEUED
    assert other.last_error == "Webhook: could not connect"  # the certificate names another host


# --- errors say little ----------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


def test_a_refused_connection_is_recorded_without_address_port_or_exception():
    port = _closed_port()
    delivery = _deliver(f"http://127.0.0.1:{port}/hook")

    assert delivery.last_error == "Webhook: could not connect"


def test_a_receiver_that_does_not_answer_in_time_is_recorded_as_timed_out(settings):
    settings.ROUTING_WEBHOOK_TIMEOUT_SECONDS = 0.5

    with WebhookReceiver(secret=SECRET, hold_first=threading.Event()) as receiver:
        delivery = _deliver(receiver.url)

    assert delivery.last_error == "Webhook: timed out"


def test_an_unknown_host_is_recorded_as_could_not_connect():
    delivery = _deliver("https://no-such-host.invalid/hook")

    assert delivery.last_error == "Webhook: could not connect"


# --- signatures -----------------------------------------------------------------------------
def _documented_verify():
    """The Python example in docs/webhooks.md, run as a receiver would run it."""
    text = (ROOT / "docs" / "webhooks.md").read_text()
    [example] = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(example.strip().splitlines()) <= 12, "keep the documented example short"
    namespace: dict = {}
    exec(example, namespace)  # noqa: S102 - our own documentation, run to prove it right
    return namespace["verify"]


def test_a_delivery_passes_the_documented_check_and_a_replay_later_does_not():
    verify = _documented_verify()
    with WebhookReceiver(secret=SECRET) as receiver:
        _deliver(receiver.url)
    [request] = receiver.requests
    sent_at = int(re.fullmatch(r"t=(\d+),v1=[0-9a-f]{64}", request.signature).group(1))

    assert abs(sent_at - time.time()) < 60
    assert verify(SECRET, request.signature, request.body)
    assert not verify(SECRET, request.signature, request.body + b" ")
    assert not verify("another-secret-of-enough-length-0123456789", request.signature, request.body)
    with time_machine.travel(sent_at + 301, tick=False):
        assert not verify(SECRET, request.signature, request.body)  # a replay, too late
    with time_machine.travel(sent_at + 299, tick=False):
        assert verify(SECRET, request.signature, request.body)


@pytest.mark.parametrize(
    ("offset", "expected"), [(0, True), (-299, True), (299, True), (-301, False), (301, False)]
)
def test_the_portal_and_the_documentation_agree_on_the_replay_window(offset, expected):
    verify = _documented_verify()
    body = b'{"event":"case.routed"}'
    signed_at = 1_800_000_000
    header = webhooks.sign(body, SECRET, signed_at)

    assert webhooks.signature_is_valid(body, SECRET, header, now=signed_at + offset) is expected
    with time_machine.travel(signed_at + offset, tick=False):
        assert verify(SECRET, header, body) is expected


def test_the_old_untimed_signature_is_no_longer_accepted():
    body = b'{"event":"case.routed"}'
    old = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()

    assert not webhooks.signature_is_valid(body, SECRET, old)
    assert not _documented_verify()(SECRET, old, body)

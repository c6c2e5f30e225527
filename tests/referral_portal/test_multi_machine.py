"""Several machines behind the proxy: two web processes (gunicorn) and two Celery workers share
one PostgreSQL, one Redis and one S3-compatible bucket. A referrer signs in and submits on web
A, a State reviewer confirms on web B, and the receiving agency gets the case exactly once.
On the way: a session made on A is valid on B (database sessions), a TOTP code used on A is
refused on B (the used-code marks live in the shared Redis), and the attachment stored through
A is downloaded through B (the shared bucket)."""

import os
import re
import subprocess
import sys
import time
from collections import Counter

import pyotp
import pytest
import requests
from django.conf import settings
from django.utils import timezone

from confirmations.choices import Agency, ConsultationOutcome
from referral_portal import private_storage
from referral_portal.models import OutboxMessage
from referrals.models import Attachment, Notice, Referral, Status
from routing.models import DeliveryState, RoutingDelivery, RoutingEndpoint
from tests.confirmations import helpers
from tests.conftest import ROOT, wait_for
from tests.factories import PASSWORD, UserFactory
from tests.referrals import files
from tests.referrals.steps import step_data
from tests.routing.factories import district
from tests.routing.receiver import WebhookReceiver
from tests.routing.workers import (
    DedicatedWorker,
    PrivateRedis,
    _database_url,
    free_port,
    stop_process_group,
)

pytest_plugins = ["tests.s3"]  # the S3 server and bucket fixtures
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
SECRET = "multi-machine-shared-secret-0123456789abcdef"
STEP = re.compile(r"/referrals/([0-9a-f-]{36})/edit/referrer/$")


class WebProcess:
    """gunicorn serving the portal on a free loopback port, as one machine behind the proxy."""

    def __init__(self, name, environment, workdir):
        self.url = f"http://127.0.0.1:{free_port()}"
        self.log = workdir / f"web-{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "referral_portal.wsgi:application",
                    "--bind",
                    self.url.removeprefix("http://"),
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--no-control-socket",
                ],  # its default path is one per user, not per server
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self):
        def answers():
            assert self.process.poll() is None, self.log.read_text()
            try:
                return requests.get(f"{self.url}/accounts/login/", timeout=10).status_code == 200
            except requests.RequestException:  # not listening yet, or still loading
                return False

        assert wait_for(answers, timeout=60), self.log.read_text()


class Browser:
    """One person's browser, talking to one web process (cookies kept, redirects not followed)."""

    def __init__(self, web):
        self.web = web
        self.http = requests.Session()

    def get(self, path):
        return self.http.get(self.web.url + path, allow_redirects=False, timeout=30)

    def post(self, path, data=None, files=None):
        if "csrftoken" not in self.http.cookies:
            self.get("/accounts/login/")  # any form page sets the CSRF cookie
        headers = {"X-CSRFToken": self.http.cookies["csrftoken"]}
        return self.http.post(
            self.web.url + path,
            data=data,
            files=files,
            headers=headers,
            allow_redirects=False,
            timeout=60,
        )

    def sign_in(self, user, code):
        response = self.post("/accounts/login/", {"login": user.username, "password": PASSWORD})
        assert response.headers["Location"] == "/accounts/mfa/authenticate/"
        return self.post("/accounts/mfa/authenticate/", {"code": code})

    def signed_in(self) -> bool:
        return self.get("/referrals/").status_code == 200  # anyone else is sent to sign in


def code_for(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


@pytest.fixture
def machines(tmp_path, s3_private_storage):
    """Two web processes and two workers on the test database, a private Redis and the bucket."""
    redis_server = PrivateRedis(tmp_path / "redis").start()
    web_environment = {
        **os.environ,
        **s3_private_storage.environment(),
        "DATABASE_URL": _database_url(),
        "BROKER_URL": redis_server.url,
        # One cache for every process (rate limits, used TOTP codes, the outbox relay flag):
        # the one the workers and this test process use.
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "DJANGO_SETTINGS_MODULE": "referral_portal.settings.test",
    }
    webs = [WebProcess(name, web_environment, tmp_path) for name in ("a", "b")]
    workers = [
        DedicatedWorker(
            redis_server.url, tmp_path / name, **s3_private_storage.environment()
        ).start(wait=False)
        for name in ("one", "two")
    ]
    try:
        for web in webs:
            web.wait_ready()
        assert wait_for(lambda: len(workers[0].control.control.ping(timeout=1)) == 2, 60)
        yield webs
    finally:
        for worker in workers:
            worker.stop()
        for web in webs:
            stop_process_group(web.process)
        redis_server.stop()


def _problems(page: str) -> str:
    """The error summary of a form page sent back, for the assertion message."""
    return re.sub(r"<[^>]+>|\s+", " ", page.partition('id="main-content"')[2])[:1500]


def _delivered(referral) -> bool:
    deliveries = RoutingDelivery.objects.filter(referral=referral)
    return (
        deliveries.exists()
        and all(d.state == DeliveryState.DELIVERED for d in deliveries)
        and not OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).exists()
    )


def test_submitted_on_one_web_process_confirmed_on_the_other_delivered_once(
    machines, s3_private_storage
):
    web_a, web_b = machines
    referrer, reviewer = UserFactory(), helpers.reviewer()
    original = files.pdf("Signed consent")
    with WebhookReceiver(secret=SECRET) as receiver:
        RoutingEndpoint.objects.create(
            organization=district().organization, url=receiver.url, secret=SECRET
        )

        # The referrer signs in on A. The session is valid on B; the code is not, a second time.
        on_a = Browser(web_a)
        code = code_for(referrer)
        assert on_a.sign_in(referrer, code).status_code == 302
        assert on_a.signed_in()
        same_session_on_b = Browser(web_b)
        assert not same_session_on_b.signed_in()
        cookie = settings.SESSION_COOKIE_NAME
        same_session_on_b.http.cookies.set(cookie, on_a.http.cookies[cookie])
        assert same_session_on_b.signed_in()
        replay_on_b = Browser(web_b)
        refused = replay_on_b.sign_in(referrer, code)
        assert refused.status_code == 200 and "That code is not right" in refused.text
        assert not replay_on_b.signed_in()
        # Refused as used, not because B cannot check codes: the next period's code works there.
        next_code = pyotp.TOTP(referrer.totp_secret).at(time.time() + 30)
        assert (
            replay_on_b.post("/accounts/mfa/authenticate/", {"code": next_code}).status_code == 302
        )
        assert replay_on_b.signed_in()

        # The wizard on A, an attachment included, and the submission.
        started = on_a.post("/referrals/new/")
        assert started.status_code == 302, _problems(started.text)
        public_id = STEP.search(started.headers["Location"]).group(1)
        base = f"/referrals/{public_id}"
        answers = step_data()
        for slug in ("referrer", "person", "trafficking", "needs"):
            step = on_a.post(f"{base}/edit/{slug}/", {**answers[slug], "action": "next"})
            assert step.status_code == 302, _problems(step.text)
        upload = on_a.post(
            f"{base}/edit/attachments/",
            {"action": "upload", "kind": "consent_form"},
            files={"file": ("consent.pdf", original, "application/pdf")},
        )
        assert upload.status_code == 302
        assert on_a.post(f"{base}/edit/attachments/", {"action": "next"}).status_code == 302
        referral = Referral.objects.get(public_id=public_id)
        assert on_a.post(f"{base}/review/", {"version": referral.version}).status_code == 302
        referral.refresh_from_db()
        assert referral.status == Status.SUBMITTED

        # The reviewer on B: opens the case, downloads the file A stored, records the
        # consultation the decision needs, and confirms.
        on_b = Browser(web_b)
        assert on_b.sign_in(reviewer, code_for(reviewer)).status_code == 302
        case = f"/review/{public_id}"
        assert on_b.get(f"{case}/").status_code == 200
        attachment = Attachment.objects.get(referral=referral)
        download = on_b.get(f"/referrals/files/{attachment.public_id}/")
        # What B serves is what A stored (the upload is rebuilt first, so not byte for byte
        # what was sent), read back from the bucket here as a third machine would.
        stored = private_storage.read_decrypted(
            attachment.stored_name, context=attachment.storage_context
        )
        assert download.status_code == 200 and download.content == stored
        assert stored.startswith(b"%PDF-")
        assert f"{attachment.stored_name[:2]}/{attachment.stored_name}" in (
            s3_private_storage.object_keys()
        )
        assert on_b.post(f"{case}/claim/").status_code == 302
        consulted = on_b.post(f"{case}/consultation/", {
            "agency": Agency.OTDA.value, "consulted_with": "A. Colleague, OTDA",
            "consulted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "outcome": ConsultationOutcome.AGREES_CONFIRM.value,
        })  # fmt: skip
        assert consulted.status_code == 302, _problems(consulted.text)
        referral.refresh_from_db()
        confirmed = on_b.post(f"{case}/confirm/", {
            "version": referral.version, "basis": "federal_criteria", "appears_eligible": "yes",
            "county": referral.county_of_residence_id, "minor": "no", "action": "issue",
        })  # fmt: skip
        assert confirmed.status_code == 302, _problems(confirmed.text)

        # The workers deliver it, once.
        assert wait_for(lambda: _delivered(referral), timeout=60), (
            list(OutboxMessage.objects.values_list("kind", "status", "attempts")),
            list(RoutingDelivery.objects.values_list("state", flat=True)),
        )
        time.sleep(1)  # room for a duplicate to show itself
        referral.refresh_from_db()
        assert referral.status == Status.CONFIRMED
        [delivery] = RoutingDelivery.objects.filter(referral=referral)
        assert [r.key for r in receiver.requests] == [str(delivery.public_id)]
        kinds = Counter(OutboxMessage.objects.values_list("kind", flat=True))
        assert kinds == {
            "referrals.submitted": 1,
            "confirmations.decided": 1,
            "routing.deliver": 1,
            "routing.notify": 1,
        }
        assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
        # Every private file, whichever process wrote it (attachment on A, notices on B), is in
        # the one bucket.
        names = [attachment.stored_name, *Notice.objects.values_list("stored_name", flat=True)]
        assert len(names) > 1
        assert sorted(s3_private_storage.object_keys()) == sorted(f"{n[:2]}/{n}" for n in names)

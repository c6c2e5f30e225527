"""The two example clients in docs/api/ run as their own processes, with `requests`, against a
live server and real client credentials: what the documentation shows works."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from confirmations import services as review
from referrals.models import EventKind, Referral
from routing.models import Outcome, OutcomeReport, RoutingDelivery
from tests.api.builders import steps
from tests.api.conftest import Api, new_client, provider_organization
from tests.confirmations.helpers import confirm, consult, reviewer
from tests.routing.factories import district

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "api"


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"


def example(script, live_server, issued, cwd, **extra_env):
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONUNBUFFERED": "1",  # the test reads the first line while the client polls
        "PORTAL": live_server.url,
        "CLIENT_ID": issued.client_id,
        "CLIENT_SECRET": issued.client_secret,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, str(EXAMPLES / script)],
        cwd=cwd,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def confirmed(referral):
    person = reviewer()
    review.claim_referral(referral=referral, reviewer=person)
    consult(referral, person)
    confirm(referral, person)


def test_the_referrer_example_submits_and_polls_until_the_decision(live_server, tmp_path):
    issued = new_client(provider_organization())
    process = example("submit_referral.py", live_server, issued, tmp_path, POLL_SECONDS="3")
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("Submitted "), process.stderr.read()
        referral = Referral.objects.get(reference=first_line.split()[1])
        confirmed(referral)
        output, errors = process.communicate(timeout=120)
    finally:
        process.kill()

    assert process.returncode == 0, errors
    assert referral.created_by == issued.client.service_account
    # each event once, as "<time> <label> <note>"; the loop ends on the decision
    assert output.count(f" {EventKind.CONFIRMED.label} ") == 1


def test_the_agency_example_acknowledges_and_reports_each_new_case_once(
    live_server, tmp_path, drain_outbox
):
    referrer = Api(new_client(provider_organization()))
    referral_id = referrer.post("/api/v1/referrals/").json()["id"]
    for step, body in steps().items():
        referrer.patch(f"/api/v1/referrals/{referral_id}/steps/{step}/", body)
    assert referrer.post(f"/api/v1/referrals/{referral_id}/submit/").status_code == 200
    referral = Referral.objects.get(public_id=referral_id)
    confirmed(referral)
    drain_outbox()
    issued = new_client(district().organization)

    first = example("fetch_cases.py", live_server, issued, tmp_path)
    first_output, first_errors = first.communicate(timeout=120)
    again = example("fetch_cases.py", live_server, issued, tmp_path)
    again_output, again_errors = again.communicate(timeout=120)

    assert (first.returncode, again.returncode) == (0, 0), first_errors + again_errors
    assert first_output == f"New case {referral.reference} language: es\n"
    assert again_output == ""  # the cursor kept in portal-cursor.txt: nothing new
    report = OutcomeReport.objects.get()
    assert (report.outcome, report.reported_by) == (
        Outcome.COULD_NOT_REACH,
        issued.client.service_account,
    )
    assert RoutingDelivery.objects.get(referral=referral).acknowledged_at is not None
    assert (tmp_path / "portal-cursor.txt").read_text() != ""

"""The closed loop, machine to machine, with real tokens against the real database: a
provider's system submits a referral, a State reviewer confirms it (through the review
services), the Albany County district's system fetches the case, downloads the notice,
acknowledges and reports contact, and the provider's system reads that step on the timeline."""

import pytest

from access_log.models import AccessLog
from confirmations import services as review
from referrals.models import EventKind, Referral
from routing.models import OutcomeReport
from tests.api.builders import steps
from tests.confirmations.helpers import confirm, consult, reviewer

pytestmark = pytest.mark.django_db


def test_referral_in_case_out_outcome_back(referrer_api, albany_api, drain_outbox):
    referral_id = referrer_api.post("/api/v1/referrals/").json()["id"]
    for step, body in steps().items():
        referrer_api.patch(f"/api/v1/referrals/{referral_id}/steps/{step}/", body)
    submitted = referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")
    assert submitted.status_code == 200
    referral = Referral.objects.get(public_id=referral_id)
    person = reviewer()
    review.claim_referral(referral=referral, reviewer=person)
    consult(referral, person)
    confirm(referral, person)
    drain_outbox()

    page = albany_api.get("/api/v1/cases/").json()
    [row] = page["results"]
    case = albany_api.get(f"/api/v1/cases/{row['id']}/").json()
    # The person reads Spanish (tests/api/builders.py): the notice in English and in Spanish.
    assert sorted(n["language"] for n in case["notices"]) == ["en", "es"]
    [notice] = [n for n in case["notices"] if n["language"] == "en"]
    pdf = albany_api.get(f"/api/v1/cases/{row['id']}/notices/{notice['id']}/")
    acknowledged = albany_api.post(f"/api/v1/cases/{row['id']}/acknowledge/")
    reported = albany_api.post(
        f"/api/v1/cases/{row['id']}/outcome/",
        {
            "outcome": "contacted",
            "attempts": [{"attempted_on": str(referral.submitted_at.date()), "method": "phone"}],
        },
    )
    later = albany_api.get("/api/v1/cases/", {"cursor": page["next_cursor"]}).json()
    timeline = referrer_api.get(f"/api/v1/referrals/{referral_id}/timeline/").json()

    assert row["reference"] == submitted.json()["reference"]
    assert case["person"]["legal_name"] == referral.legal_name
    assert case["person"]["county_of_residence"] == "Albany"
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert acknowledged.status_code == 200
    assert reported.status_code == 201, reported.json()
    assert later["results"] == []
    assert OutcomeReport.objects.get().reported_by == albany_api.client.service_account
    kinds = [event["kind"] for event in timeline["events"]]
    assert kinds[-2:] == [EventKind.ACKNOWLEDGED, EventKind.OUTCOME_REPORTED]
    assert timeline["events"][-1]["note"] == (
        f"{albany_api.client.organization.name}: Contacted the person."
    )
    agency_reads = AccessLog.objects.filter(user=albany_api.client.service_account).values_list(
        "action", flat=True
    )
    assert sorted(agency_reads) == [AccessLog.Action.DOWNLOAD_NOTICE, AccessLog.Action.VIEW_CASE]

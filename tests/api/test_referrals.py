"""Referrers' systems through the API: the wizard's rules, the same services, field errors."""

import base64

import pytest

from access_log.models import AccessLog
from referrals.models import Attachment, EventKind, Referral, Status
from tests.api.builders import steps
from tests.referrals.files import pdf

pytestmark = pytest.mark.django_db


def fill(api, referral_id, *, police=False):
    for step, body in steps(police=police).items():
        response = api.patch(f"/api/v1/referrals/{referral_id}/steps/{step}/", body)
        assert response.status_code == 200, (step, response.json())


def started(api):
    response = api.post("/api/v1/referrals/")
    assert response.status_code == 201
    return response.json()["id"]


def test_a_system_creates_fills_attaches_and_submits_a_referral(referrer_api):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)
    attached = referrer_api.post(
        f"/api/v1/referrals/{referral_id}/attachments/",
        {
            "kind": "consent_form",
            "file_name": "consent.pdf",
            "content_base64": base64.b64encode(pdf()).decode(),
        },
    )

    response = referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    assert attached.status_code == 201, attached.json()
    assert response.status_code == 200, response.json()
    referral = Referral.objects.get(public_id=referral_id)
    assert (referral.status, referral.created_by, referral.legal_name != "") == (
        Status.SUBMITTED,
        referrer_api.client.service_account,
        True,
    )
    assert response.json()["reference"] == referral.reference
    assert Attachment.objects.get(referral=referral).content_type == "application/pdf"
    assert [c.name for c in referral.trafficking_counties.all()] == ["Albany"]


def test_a_draft_takes_at_most_the_allowed_number_of_files(referrer_api, settings):
    # The same rule as the wizard's (services.add_attachment), as a field error.
    settings.REFERRAL_UPLOAD_MAX_FILES = 1
    referral_id = started(referrer_api)
    body = {
        "kind": "other",
        "file_name": "report.pdf",
        "content_base64": base64.b64encode(pdf()).decode(),
    }
    url = f"/api/v1/referrals/{referral_id}/attachments/"

    first, second = referrer_api.post(url, body), referrer_api.post(url, body)

    assert first.status_code == 201, first.json()
    assert second.status_code == 400
    assert second.json()["errors"] == {
        "content_base64": ["This referral already has as many files as it can take (1). "
                           "Remove one to attach another."]
    }  # fmt: skip
    assert Attachment.objects.filter(referral__public_id=referral_id).count() == 1


def test_submitting_an_incomplete_draft_lists_every_broken_rule_by_step(referrer_api):
    referral_id = started(referrer_api)

    response = referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["needs", "person", "referrer", "trafficking"]
    assert errors["person"]["legal_name"] == ["Enter the person's legal name."]


def test_police_must_give_the_agency_case_number(police_api):
    referral_id = started(police_api)
    fill(police_api, referral_id, police=True)
    police_api.patch(
        f"/api/v1/referrals/{referral_id}/steps/trafficking/", {"agency_case_number": None}
    )

    response = police_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "trafficking": {
            "agency_case_number": [
                "Law-enforcement agencies and district attorneys must give the case number."
            ]
        }
    }


def test_a_providers_referral_needs_consent_to_confirmation(referrer_api):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)
    referrer_api.patch(
        f"/api/v1/referrals/{referral_id}/steps/referrer/", {"consent_scopes": ["share_with_ldss"]}
    )

    response = referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    assert response.json()["errors"]["referrer"]["consent_scopes"] == [
        "The consent must cover sending this referral to the State for confirmation."
    ]


def test_a_step_answers_the_forms_messages_as_field_errors(referrer_api):
    referral_id = started(referrer_api)

    response = referrer_api.patch(
        f"/api/v1/referrals/{referral_id}/steps/person/",
        {"date_of_birth": "2026-02-30", "county_of_residence": "Atlantis", "phone": "call me"},
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["county_of_residence", "date_of_birth", "phone"]
    assert errors["date_of_birth"] == ["Enter a real date, for example 2026-03-31 or 03/31/2026."]


def test_a_patch_keeps_the_fields_it_does_not_send(referrer_api):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)

    referrer_api.patch(f"/api/v1/referrals/{referral_id}/steps/person/", {"phone": "518-555-0199"})

    referral = Referral.objects.get(public_id=referral_id)
    assert referral.phone == "518-555-0199"
    assert referral.legal_name != "" and referral.county_of_residence.name == "Albany"


def test_status_and_timeline_are_read_and_each_read_is_logged_with_the_clients_name(
    referrer_api,
):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)
    referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    status = referrer_api.get(f"/api/v1/referrals/{referral_id}/")
    timeline = referrer_api.get(f"/api/v1/referrals/{referral_id}/timeline/")

    assert status.json()["status"] == "submitted"
    assert [e["kind"] for e in timeline.json()["events"]] == [
        EventKind.CREATED, EventKind.SUBMITTED
    ]  # fmt: skip
    rows = AccessLog.objects.filter(referral_public_id=referral_id).order_by("id")
    assert [(r.action, r.user_id, r.detail) for r in rows] == [
        (AccessLog.Action.VIEW_REFERRAL, referrer_api.client.service_account_id,
         f"API client {referrer_api.client.public_id} ({referrer_api.client.name})"),
    ] * 2  # fmt: skip


def test_withdrawing_a_submitted_referral(referrer_api):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)
    referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    empty = referrer_api.post(f"/api/v1/referrals/{referral_id}/withdraw/", {"reason": "  "})
    response = referrer_api.post(
        f"/api/v1/referrals/{referral_id}/withdraw/", {"reason": "The person moved away."}
    )

    assert empty.status_code == 400
    assert empty.json()["errors"] == {"reason": ["Say why you are withdrawing the referral."]}
    assert response.status_code == 200
    assert Referral.objects.get(public_id=referral_id).status == Status.WITHDRAWN


def test_a_submitted_referral_cannot_change(referrer_api):
    referral_id = started(referrer_api)
    fill(referrer_api, referral_id)
    referrer_api.post(f"/api/v1/referrals/{referral_id}/submit/")

    response = referrer_api.patch(
        f"/api/v1/referrals/{referral_id}/steps/person/", {"phone": "518-555-0100"}
    )

    assert response.status_code == 409


def test_the_list_pages_with_a_cursor(referrer_api):
    ids = [started(referrer_api) for _ in range(3)]

    first = referrer_api.get("/api/v1/referrals/", {"limit": "2"}).json()
    second = referrer_api.get(
        "/api/v1/referrals/", {"limit": "2", "cursor": first["next_cursor"]}
    ).json()
    third = referrer_api.get(
        "/api/v1/referrals/", {"limit": "2", "cursor": second["next_cursor"]}
    ).json()

    assert [r["id"] for r in first["results"] + second["results"]] == ids
    assert (third["results"], third["next_cursor"]) == ([], second["next_cursor"])
    bad = referrer_api.get("/api/v1/referrals/", {"cursor": "forged"})
    assert (bad.status_code, bad.json()["errors"]) == (
        400,
        {"cursor": ["This cursor is not valid."]},
    )

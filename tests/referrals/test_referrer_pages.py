"""The referrer's pages after submission: list, detail and timeline, files, withdrawal,
answering a reviewer, notices; and who may see what."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from access_log.models import AccessLog
from referral_portal import private_storage
from referral_portal.roles import Role
from referrals import services
from referrals.models import Attachment, EventKind, InformationRequest, NoticeKind, Status
from tests.factories import UserFactory
from tests.referrals import files
from tests.referrals.builders import draft, in_state, submitted

pytestmark = pytest.mark.django_db


def reviewer():
    return UserFactory(role=Role.STATE_REVIEWER)


def ask(referral, *, message="Please send the signed consent form."):
    """What the review app does: a request row, then the transition, then the event."""
    request = InformationRequest.objects.create(
        referral=referral,
        requested_by=reviewer(),
        reasons=[InformationRequest.Reason.MISSING_CONSENT],
        message=message,
    )
    referral.request_information()
    referral.save()
    services.record_event(
        referral=referral, actor=request.requested_by, kind=EventKind.INFO_REQUESTED
    )
    return request


def upload_pdf(client, referral, name="consent.pdf", data=None):
    return client.post(
        f"/referrals/{referral.public_id}/edit/attachments/",
        {
            "action": "upload",
            "kind": "consent_form",
            "file": SimpleUploadedFile(name, data or files.pdf(), "application/pdf"),
        },
    )


# --- the list ----------------------------------------------------------------------------------
def test_the_list_shows_the_organizations_referrals_without_names(client):
    mine = submitted()
    colleague_referral = submitted(UserFactory(organization=mine.organization))
    other_org = submitted()
    client.force_login(mine.created_by)
    page = client.get("/referrals/").content.decode()
    assert mine.reference in page and colleague_referral.reference in page
    assert other_org.reference not in page
    assert mine.legal_name not in page and colleague_referral.legal_name not in page


def test_the_list_costs_the_same_number_of_queries_for_3_or_30_referrals(
    client, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    client.force_login(user)
    counts = []
    for total in (3, 30):
        while user.referrals_created.exclude(status=Status.DRAFT).count() < total:
            in_state(Status.SUBMITTED, user)
            draft(user)
        with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as queries:
            response = client.get("/referrals/")
        assert response.content.decode().count('href="/referrals/') >= min(total, 25)
        # Session and activity bookkeeping varies by a write; the referral queries must not.
        counts.append(sum("referrals_" in query["sql"] for query in queries))
    # drafts, those waiting for an answer (listed first), the page's count, the page's rows
    assert counts[0] == counts[1] == 4


def test_the_list_is_paged_25_at_a_time(client):
    user = UserFactory()
    for _ in range(27):
        in_state(Status.SUBMITTED, user)
    client.force_login(user)

    first = client.get("/referrals/").content.decode()
    second = client.get("/referrals/?page=2").content.decode()

    assert "27 referrals" in first and "page 1 of 2" in first
    assert first.count('href="/referrals/') - second.count('href="/referrals/') == 23
    assert 'href="?page=2"' in first


# --- the detail page ---------------------------------------------------------------------------
def test_the_detail_page_shows_the_person_timeline_and_records_the_view(client):
    referral = submitted()
    services.record_event(
        referral=referral, actor=reviewer(), kind=EventKind.ASSIGNED, visible_to_referrer=False
    )
    client.force_login(referral.created_by)
    page = client.get(f"/referrals/{referral.public_id}/").content.decode()
    assert referral.legal_name.replace("'", "&#x27;") in page
    assert "Submitted" in page and "Draft started" in page
    assert "Assigned to a reviewer" not in page
    assert (
        AccessLog.objects.filter(
            referral_public_id=referral.public_id, action=AccessLog.Action.VIEW_REFERRAL
        ).count()
        == 1
    )


def test_a_referrer_is_not_told_about_other_referrals_of_the_same_person(client):
    first = submitted(legal_name="Rosa Diaz")
    second = submitted(legal_name="Rosa Diaz", date_of_birth=first.date_of_birth)
    assert second.possible_duplicates.exists()
    client.force_login(second.created_by)
    page = client.get(f"/referrals/{second.public_id}/").content.decode()
    assert first.reference not in page and "duplicate" not in page.lower()


@pytest.mark.parametrize(
    "path",
    [
        "/referrals/{id}/",
        "/referrals/{id}/submitted/",
        "/referrals/{id}/withdraw/",
        "/referrals/{id}/review/",
        "/referrals/{id}/edit/person/",
    ],
)
def test_another_organizations_referral_is_a_404(client, path):
    referral = submitted()
    client.force_login(UserFactory())
    assert client.get(path.format(id=referral.public_id)).status_code == 404
    if "submitted" not in path and path != "/referrals/{id}/":
        response = client.post(path.format(id=referral.public_id), {"reason": "x"})
        assert response.status_code == 404


def test_reviewers_see_submitted_referrals_but_not_drafts(client):
    referral, unsent = submitted(), draft()
    client.force_login(reviewer())
    assert client.get(f"/referrals/{referral.public_id}/").status_code == 200
    assert client.get(f"/referrals/{unsent.public_id}/").status_code == 404


def test_receiving_agencies_see_nothing_here(client):
    referral = submitted()
    client.force_login(UserFactory(role=Role.RECEIVING_AGENCY))
    assert client.get(f"/referrals/{referral.public_id}/").status_code == 403


# --- attachments ---------------------------------------------------------------------------------
def test_an_attachment_is_stored_encrypted_and_downloaded_safely(client, settings):
    referral = draft()
    client.force_login(referral.created_by)
    original = files.pdf("Signed consent")
    response = upload_pdf(client, referral, name="../Signed consent.pdf", data=original)
    assert response.status_code == 302
    attachment = Attachment.objects.get(referral=referral)
    assert attachment.original_name == "Signed consent.pdf"
    stored = settings.PRIVATE_STORAGE_ROOT / attachment.stored_name[:2] / attachment.stored_name
    assert b"%PDF" not in stored.read_bytes() and b"Signed consent" not in stored.read_bytes()

    download = client.get(f"/referrals/files/{attachment.public_id}/")
    assert download.status_code == 200
    # What is stored and served is the rebuilt PDF (docs/decisions/0007): the same page, no
    # document information.
    served, sent = pikepdf.open(io.BytesIO(download.content)), pikepdf.open(io.BytesIO(original))
    assert served.pages[0].Contents.read_bytes() == sent.pages[0].Contents.read_bytes()
    assert "/Info" in sent.trailer and "/Info" not in served.trailer
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in download["Cache-Control"]
    assert AccessLog.objects.filter(
        action=AccessLog.Action.DOWNLOAD_ATTACHMENT, object_public_id=attachment.public_id
    ).exists()


def test_a_file_whose_content_does_not_match_its_type_is_refused(client):
    referral = draft()
    client.force_login(referral.created_by)
    response = upload_pdf(client, referral, name="report.pdf", data=files.HTML)
    assert response.status_code == 400
    page = response.content.decode()
    field_block = page.split('id="div_id_file"', 1)[1]
    assert "Choose a PDF, JPEG, PNG or Word" in field_block
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_with_a_plain_message(client, settings):
    settings.REFERRAL_UPLOAD_MAX_FILE_BYTES = 2000
    referral = draft()
    client.force_login(referral.created_by)
    response = upload_pdf(client, referral, data=files.pdf() + b"%" * 5000)
    assert response.status_code == 400
    assert "larger than" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_files_of_a_referral_together_have_a_limit(client, settings):
    pdf = files.pdf()
    settings.REFERRAL_UPLOAD_MAX_TOTAL_BYTES = len(pdf) * 2 + 10
    referral = draft()
    client.force_login(referral.created_by)
    assert upload_pdf(client, referral, data=pdf).status_code == 302
    assert upload_pdf(client, referral, data=pdf).status_code == 302
    response = upload_pdf(client, referral, data=pdf)
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert Attachment.objects.count() == 2


def test_a_referral_takes_at_most_the_allowed_number_of_files(client, settings):
    # The rule lives in services.add_attachment; the wizard shows it on the file field.
    settings.REFERRAL_UPLOAD_MAX_FILES = 2
    referral = draft()
    client.force_login(referral.created_by)
    assert upload_pdf(client, referral).status_code == 302
    assert upload_pdf(client, referral).status_code == 302
    response = upload_pdf(client, referral)
    assert response.status_code == 400
    field_block = response.content.decode().split('id="div_id_file"', 1)[1]
    assert "This referral already has as many files as it can take (2)." in field_block
    assert Attachment.objects.count() == 2


def test_an_attachment_can_be_removed_from_a_draft(client, django_capture_on_commit_callbacks):
    referral = draft()
    client.force_login(referral.created_by)
    upload_pdf(client, referral)
    attachment = Attachment.objects.get()
    url = f"/referrals/{referral.public_id}/edit/attachments/{attachment.public_id}/remove/"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Attachment.objects.exists()
    assert not private_storage.exists(attachment.stored_name)


def test_another_organizations_attachment_is_a_404(client):
    referral = draft()
    client.force_login(referral.created_by)
    upload_pdf(client, referral)
    attachment = Attachment.objects.get()
    services.submit_referral(referral=referral, user=referral.created_by)
    client.force_login(UserFactory())
    assert client.get(f"/referrals/files/{attachment.public_id}/").status_code == 404
    client.force_login(UserFactory(organization=referral.organization))  # a colleague
    assert client.get(f"/referrals/files/{attachment.public_id}/").status_code == 200


# --- notices -----------------------------------------------------------------------------------
def test_referrers_download_their_notices_and_reviewers_download_all(client):
    referral = in_state(Status.DECLINED)
    decline = services.store_notice(
        referral=referral, kind=NoticeKind.DECLINE, pdf=files.pdf("Decline"), issued_by=None
    )
    personal = services.store_notice(
        referral=referral,
        kind=NoticeKind.CONFIRMATION_ADULT,
        pdf=files.pdf("Adult"),
        issued_by=None,
    )
    client.force_login(referral.created_by)
    page = client.get(f"/referrals/{referral.public_id}/").content.decode()
    assert f"/referrals/notices/{decline.public_id}/" in page
    assert f"/referrals/notices/{personal.public_id}/" not in page
    response = client.get(f"/referrals/notices/{decline.public_id}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/referrals/notices/{personal.public_id}/").status_code == 404
    client.force_login(reviewer())
    assert client.get(f"/referrals/notices/{personal.public_id}/").status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_NOTICE).count() == 2
    client.force_login(UserFactory())
    assert client.get(f"/referrals/notices/{decline.public_id}/").status_code == 404


def test_store_notice_refuses_anything_but_a_pdf():
    with pytest.raises(ValueError):
        services.store_notice(
            referral=submitted(), kind=NoticeKind.DECLINE, pdf=b"<html>", issued_by=None
        )


# --- withdrawing -------------------------------------------------------------------------------
def test_a_referrer_withdraws_with_a_reason(client):
    referral = submitted()
    client.force_login(UserFactory(organization=referral.organization))
    url = f"/referrals/{referral.public_id}/withdraw/"
    response = client.post(url, {"version": referral.version, "reason": "   "})
    assert response.status_code == 400
    assert "Say why" in response.content.decode()
    response = client.post(url, {"version": referral.version, "reason": "Person moved away."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN
    event = referral.events.get(kind=EventKind.WITHDRAWN)
    assert event.note == "Person moved away." and event.from_status == Status.SUBMITTED


def test_a_stale_withdrawal_is_refused(client):
    referral = submitted()
    client.force_login(referral.created_by)
    response = client.post(
        f"/referrals/{referral.public_id}/withdraw/",
        {"version": referral.version - 1, "reason": "Changed our mind."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


@pytest.mark.parametrize("status", [Status.CONFIRMED, Status.DECLINED, Status.WITHDRAWN])
def test_a_decided_referral_cannot_be_withdrawn(client, status):
    referral = in_state(status)
    client.force_login(referral.created_by)
    client.post(
        f"/referrals/{referral.public_id}/withdraw/",
        {"version": referral.version, "reason": "Too late."},
    )
    referral.refresh_from_db()
    assert referral.status == status
    with pytest.raises(services.NotAllowed):
        services.withdraw_referral(referral=referral, user=referral.created_by, reason="Late.")


# --- answering a request -----------------------------------------------------------------------
def test_a_referrer_answers_a_request_with_text_and_a_file(client):
    referral = submitted()
    request = ask(referral)
    client.force_login(referral.created_by)
    detail = client.get(f"/referrals/{referral.public_id}/").content.decode()
    assert "Please send the signed consent form." in detail
    url = f"/referrals/{referral.public_id}/requests/{request.public_id}/answer/"
    assert client.post(url, {"response": "  "}).status_code == 400
    response = client.post(
        url,
        {
            "response": "Attached.",
            "file_1": SimpleUploadedFile("consent.pdf", files.pdf(), "application/pdf"),
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    request.refresh_from_db()
    assert referral.status == Status.INFO_PROVIDED
    assert request.response == "Attached." and request.responded_by == referral.created_by
    attachment = Attachment.objects.get(information_request=request)
    assert attachment.kind == "information_response"
    assert referral.events.filter(kind=EventKind.INFO_PROVIDED).exists()
    # A second answer to the same request is refused.
    again = client.post(url, {"response": "Again."})
    assert again.status_code == 302
    request.refresh_from_db()
    assert request.response == "Attached."


def test_an_answer_with_a_disguised_file_is_refused_and_nothing_changes(client):
    referral = submitted()
    request = ask(referral)
    client.force_login(referral.created_by)
    response = client.post(
        f"/referrals/{referral.public_id}/requests/{request.public_id}/answer/",
        {"response": "Here.", "file_1": SimpleUploadedFile("x.pdf", files.HTML, "application/pdf")},
    )
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED
    assert not Attachment.objects.exists()


def test_every_view_that_accepts_uploads_is_rate_limited_per_person():
    from referrals import views, wizard_views

    for view in (wizard_views.step, views.answer):
        assert view.rate_limit["key"] == "user", view.__name__

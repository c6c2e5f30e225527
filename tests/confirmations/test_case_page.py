"""The case page: everything on one screen, every view recorded, and who may see it."""

import pytest
from django.urls import reverse

from access_log.models import AccessLog
from referral_portal.roles import Role
from referrals import services as referral_services
from referrals.models import AttachmentKind
from referrals.uploads import CheckedFile
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.referrals import builders

pytestmark = pytest.mark.django_db


def _url(referral):
    return reverse("confirmations:case", args=[referral.public_id])


def test_the_case_page_shows_every_field_decrypted(client, reviewer):
    referral = helpers.submitted()
    client.force_login(reviewer)

    page = client.get(_url(referral)).content.decode()

    for value in (
        referral.legal_name,
        referral.phone,
        referral.email,
        referral.other_names,
        referral.country_of_birth,
        referral.agency_case_number or "None given",
        referral.organization.name,
    ):
        assert value in page, value
    assert referral.narrative.split(".")[0] in page
    assert "Agriculture or farm work" in page and "Debt that cannot be paid off" in page
    assert "Decision due" in page and " left" in page


def test_each_view_is_recorded_and_listed_under_viewed_by(client, reviewer, supervisor):
    referral = helpers.submitted()
    client.force_login(supervisor)
    client.get(_url(referral))
    client.force_login(reviewer)

    page = client.get(_url(referral)).content.decode()

    logs = AccessLog.objects.filter(
        referral_public_id=referral.public_id, action=AccessLog.Action.VIEW_REFERRAL
    )
    assert {log.user for log in logs} == {reviewer, supervisor}
    viewed_by = page[page.index('id="viewers"') :]
    assert reviewer.get_full_name() in viewed_by and supervisor.get_full_name() in viewed_by
    assert "State supervisor" in viewed_by


def test_attachments_link_to_the_download_which_records_the_download(client, reviewer):
    draft = builders.draft(UserFactory(role=Role.REFERRER))
    attachment = referral_services.add_attachment(
        referral=draft,
        user=draft.created_by,
        kind=AttachmentKind.POLICE_REPORT,
        upload=CheckedFile(
            name="report.pdf", content_type="application/pdf", data=b"%PDF-1.4 test file"
        ),
    )
    referral = referral_services.submit_referral(referral=draft, user=draft.created_by)
    client.force_login(reviewer)

    page = client.get(_url(referral)).content.decode()
    link = reverse("referrals:attachment", args=[attachment.public_id])
    download = client.get(link)

    assert link in page and "report.pdf" in page
    assert download.status_code == 200 and download.content == b"%PDF-1.4 test file"
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD_ATTACHMENT).exists()


def test_possible_duplicates_are_listed_by_reference_only(client, reviewer):
    first = helpers.submitted()
    second = helpers.submitted(legal_name=first.legal_name, date_of_birth=first.date_of_birth)
    client.force_login(reviewer)

    page = client.get(_url(second)).content.decode()
    earlier_page = client.get(_url(first)).content.decode()

    duplicates = page[page.index('id="duplicates"') : page.index('id="person"')]
    assert first.reference in duplicates and _url(first) in duplicates
    assert first.legal_name not in duplicates
    assert second.reference in earlier_page[earlier_page.index('id="duplicates"') :]


def test_the_timeline_shows_staff_only_events_to_reviewers(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)

    page = client.get(_url(referral)).content.decode()

    timeline = page[page.index('id="timeline"') :]
    assert "Submitted" in timeline and "Assigned to a reviewer" in timeline
    assert "State staff only" in timeline


def test_actions_are_offered_only_to_the_assigned_reviewer(client, reviewer, other_reviewer):
    referral = helpers.assigned(reviewer)

    client.force_login(other_reviewer)
    other = client.get(_url(referral)).content.decode()
    client.force_login(reviewer)
    mine = client.get(_url(referral)).content.decode()

    assert "Request information from the referrer" not in other
    assert "Only the assigned reviewer" in other
    actions = [
        "Request information from the referrer",
        "Record a consultation",
        "Extend the deadline",
        ">Confirm<",
        ">Decline<",
        "Release to the queue",
    ]
    for action in actions:
        assert action in mine, action


def test_an_administrator_sees_the_case_only_under_break_glass_and_may_reassign_not_claim(
    client, administrator
):
    referral = helpers.submitted()
    client.force_login(administrator)
    without = client.get(_url(referral))
    client.post(
        reverse("confirmations:break_glass", args=[referral.public_id]),
        {"purpose": "support_incident", "reason": "Ticket HD-1 about this referral's files."},
    )

    page = client.get(_url(referral)).content.decode()

    assert without.status_code == 404
    assert referral.legal_name in page
    assert "Claim this referral" not in page and "Reassign" in page


@pytest.mark.parametrize("role", ["referrer", "org_admin", "receiving_agency"])
def test_other_roles_cannot_open_the_case_page(client, role):
    referral = helpers.submitted()
    client.force_login(UserFactory(role=role, organization=referral.organization))

    assert client.get(_url(referral)).status_code == 403


def test_a_draft_or_an_unknown_id_is_a_404(client, reviewer):
    draft = builders.draft(UserFactory(role=Role.REFERRER))
    client.force_login(reviewer)

    assert client.get(_url(draft)).status_code == 404
    unknown = reverse("confirmations:case", args=["7b0c3c8e-8f3a-4a59-9a4f-2f1d3a3b8c11"])
    assert client.get(unknown).status_code == 404


def test_a_foreign_national_minor_shows_the_hhs_warning(client, reviewer):
    referral = helpers.submitted(date_of_birth=None, estimated_age=15)
    client.force_login(reviewer)

    page = client.get(_url(referral)).content.decode()

    assert "foreign-national minor" in page

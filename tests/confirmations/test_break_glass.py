"""Administrators and victims' data (docs/decisions/0009): no case content without a recorded
reason; with one, one referral for 30 minutes, every step in the access log, and state
supervisors told by e-mail with no personal details."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from access_log.models import AccessLog
from referral_portal import private_storage
from referral_portal.roles import Role
from referrals.break_glass import BreakGlassGrant, Purpose
from referrals.models import Attachment, AttachmentKind, NoticeKind
from referrals.services import store_notice
from tests.confirmations import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REASON = "Help desk ticket HD-4821: the reviewer reports the consent form does not open."
Action = AccessLog.Action


@pytest.fixture
def case(settings, tmp_path):
    """A submitted referral with an attachment and a notice, and the URLs of its content."""
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    referral = helpers.submitted()
    attachment = Attachment(
        referral=referral,
        kind=AttachmentKind.CONSENT_FORM,
        original_name="consent.pdf",
        content_type="application/pdf",
        size=12,
        uploaded_by=referral.created_by,
    )
    attachment.stored_name = private_storage.save_encrypted(
        b"%PDF-1.4 form", context=attachment.storage_context
    )
    attachment.save()
    notice = store_notice(
        referral=referral, kind=NoticeKind.REFERRING_ORGANIZATION, pdf=b"%PDF-1.4 n", issued_by=None
    )
    urls = {
        Action.VIEW_REFERRAL: reverse("confirmations:case", args=[referral.public_id]),
        Action.DOWNLOAD_ATTACHMENT: reverse("referrals:attachment", args=[attachment.public_id]),
        Action.DOWNLOAD_NOTICE: reverse("referrals:notice", args=[notice.public_id]),
    }
    return referral, urls


def _break_glass(client, referral, purpose=Purpose.SUPPORT_INCIDENT, reason=REASON):
    url = reverse("confirmations:break_glass", args=[referral.public_id])
    return client.post(url, {"purpose": purpose, "reason": reason})


def _log(user, referral) -> list[str]:
    return list(
        AccessLog.objects.filter(user=user, referral_public_id=referral.public_id)
        .order_by("id")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize(
    "action", [Action.VIEW_REFERRAL, Action.DOWNLOAD_ATTACHMENT, Action.DOWNLOAD_NOTICE]
)
def test_without_a_grant_an_administrator_gets_404_and_nothing_is_shown(
    client, case, administrator, action
):
    referral, urls = case
    client.force_login(administrator)

    response = client.get(urls[action])

    assert response.status_code == 404
    assert referral.legal_name not in response.content.decode()
    assert _log(administrator, referral) == []


def test_the_referrers_detail_page_is_never_an_administrators(client, case, administrator):
    referral, _ = case
    client.force_login(administrator)
    _break_glass(client, referral)

    response = client.get(reverse("referrals:detail", args=[referral.public_id]))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "action", [Action.VIEW_REFERRAL, Action.DOWNLOAD_ATTACHMENT, Action.DOWNLOAD_NOTICE]
)
def test_with_a_grant_the_content_opens_and_the_log_shows_the_grant_then_the_view(
    client, case, administrator, action
):
    referral, urls = case
    client.force_login(administrator)

    opened = _break_glass(client, referral)
    response = client.get(urls[action])

    assert opened.status_code == 302 and opened["Location"] == urls[Action.VIEW_REFERRAL]
    assert response.status_code == 200
    assert _log(administrator, referral) == [Action.BREAK_GLASS, action]
    grant = BreakGlassGrant.objects.get()
    entry = AccessLog.objects.get(action=Action.BREAK_GLASS)
    assert (entry.object_type, entry.object_public_id) == ("breakglassgrant", grant.public_id)
    assert entry.referral_reference == referral.reference
    assert entry.detail.startswith("purpose=support_incident until=")
    assert REASON not in entry.detail


def test_the_case_page_under_a_grant_says_so_and_shows_the_person(client, case, administrator):
    referral, urls = case
    client.force_login(administrator)
    _break_glass(client, referral)

    page = client.get(urls[Action.VIEW_REFERRAL]).content.decode()

    assert referral.legal_name in page
    assert "Break-glass access</strong> until" in page
    assert "Claim this referral" not in page and "Reassign" in page


def test_the_grant_covers_one_referral_only(client, case, administrator):
    referral, _ = case
    other = helpers.submitted()
    client.force_login(administrator)
    _break_glass(client, referral)

    response = client.get(reverse("confirmations:case", args=[other.public_id]))

    assert response.status_code == 404


def test_the_grant_expires_after_30_minutes(client, case, administrator, time_machine):
    referral, urls = case
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    client.force_login(administrator)
    _break_glass(client, referral)

    # A fresh sign-in each time (the idle timeout is shorter): the grant lives in the
    # database, not in the session.
    time_machine.move_to(start + timedelta(minutes=29, seconds=59), tick=False)
    client.logout()
    client.force_login(administrator)
    before = client.get(urls[Action.VIEW_REFERRAL]).status_code
    time_machine.move_to(start + timedelta(minutes=30), tick=False)
    client.logout()
    client.force_login(administrator)
    after = client.get(urls[Action.VIEW_REFERRAL]).status_code

    assert (before, after) == (200, 404)
    assert BreakGlassGrant.objects.get().expires_at == start + timedelta(minutes=30)


def test_state_supervisors_are_told_without_personal_details(
    client, case, administrator, drain_outbox
):
    referral, _ = case
    supervisors = [helpers.supervisor(), helpers.supervisor()]
    helpers.supervisor(is_active=False)
    helpers.reviewer()
    client.force_login(administrator)
    _break_glass(client, referral, purpose=Purpose.LEGAL_REQUEST)

    drain_outbox()

    sent = [m for m in mail.outbox if m.subject.startswith("Break-glass access")]
    assert sorted(m.to[0] for m in sent) == sorted(s.email for s in supervisors)
    assert all(len(m.to) == 1 for m in sent)
    message = sent[0]
    assert message.subject == f"Break-glass access to referral {referral.reference}"
    assert administrator.username in message.body
    assert "Purpose: A subpoena, court order or records request." in message.body
    assert f"/review/{referral.public_id}/#break-glass" in message.body
    for personal in (referral.legal_name, referral.phone, referral.email, REASON):
        assert personal not in message.body and personal not in message.subject


def test_supervisors_read_the_reason_on_the_case_page(client, case, administrator):
    referral, urls = case
    client.force_login(administrator)
    _break_glass(client, referral)
    client.force_login(helpers.supervisor())

    page = client.get(urls[Action.VIEW_REFERRAL]).content.decode()
    section = page[page.index('id="break-glass"') :]

    assert REASON in section and Purpose.SUPPORT_INCIDENT.label in section
    assert administrator.get_full_name() in section


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Enter the reason you must open this case."),
        ("Need to look", "Describe the reason in at least 20 characters."),
    ],
)
def test_the_reason_is_required(client, case, administrator, reason, error):
    referral, urls = case
    client.force_login(administrator)

    response = _break_glass(client, referral, reason=reason)

    assert response.status_code == 400
    page = response.content.decode()
    # Under the field, tied to it by aria-describedby, and in the summary at the top.
    assert f'<span id="error_1_id_reason"><strong>{error}</strong></span>' in page
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in page
    assert f'<a href="#div_id_reason">Reason: {error}</a>' in page
    assert BreakGlassGrant.objects.count() == 0
    assert _log(administrator, referral) == []
    assert client.get(urls[Action.VIEW_REFERRAL]).status_code == 404


def test_the_purpose_comes_from_the_list(client, case, administrator):
    referral, _ = case
    client.force_login(administrator)

    response = _break_glass(client, referral, purpose="curiosity")

    assert response.status_code == 400
    assert BreakGlassGrant.objects.count() == 0


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_use_break_glass(client, case, role):
    referral, _ = case
    client.force_login(UserFactory(role=role))

    assert _break_glass(client, referral).status_code == 403
    assert BreakGlassGrant.objects.count() == 0


def test_the_queue_shows_an_administrator_references_and_links_to_break_glass(
    client, administrator
):
    referral = helpers.submitted()
    client.force_login(administrator)

    page = client.get(reverse("confirmations:queue")).content.decode()

    assert reverse("confirmations:break_glass", args=[referral.public_id]) in page
    assert f'href="{reverse("confirmations:case", args=[referral.public_id])}"' not in page
    assert referral.reference in page and referral.legal_name not in page


def test_the_break_glass_page_shows_no_personal_data_and_logs_nothing(client, case, administrator):
    referral, _ = case
    client.force_login(administrator)

    response = client.get(reverse("confirmations:break_glass", args=[referral.public_id]))

    page = response.content.decode()
    assert response.status_code == 200
    assert referral.reference in page
    for personal in (referral.legal_name, referral.phone, referral.email, referral.other_names):
        assert personal not in page
    assert _log(administrator, referral) == []


def test_an_administrator_reassigns_without_opening_the_case(client, administrator):
    first, second = helpers.reviewer(), helpers.reviewer()
    referral = helpers.assigned(first)
    client.force_login(administrator)
    url = reverse("confirmations:reassign", args=[referral.public_id])

    form = client.get(url)
    done = client.post(url, {"reviewer": second.pk})

    assert form.status_code == 200 and referral.legal_name not in form.content.decode()
    assert done.status_code == 302 and done["Location"] == reverse("confirmations:queue")
    referral.refresh_from_db()
    assert referral.assigned_reviewer == second
    assert _log(administrator, referral) == []


def test_an_administrator_releases_without_opening_the_case(client, administrator):
    referral = helpers.assigned(helpers.reviewer())
    client.force_login(administrator)

    done = client.post(reverse("confirmations:release", args=[referral.public_id]))

    assert done.status_code == 302 and done["Location"] == reverse("confirmations:queue")
    referral.refresh_from_db()
    assert referral.assigned_reviewer is None

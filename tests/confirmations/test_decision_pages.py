"""Confirm and decline through the pages: form, preview of routing and notices, issue."""

import pytest
from django.urls import reverse

from access_log.models import AccessLog
from confirmations.models import Decision
from referrals.models import ImmigrationStatus, Status
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def _confirm_url(referral):
    return reverse("confirmations:confirm", args=[referral.public_id])


def _decline_url(referral):
    return reverse("confirmations:decline", args=[referral.public_id])


def _answers(referral, **overrides):
    values = {
        "version": referral.version,
        "basis": "federal_criteria",
        "appears_eligible": "yes",
        "county": referral.county_of_residence_id,
        "minor": "no",
        "note": "Clear account of debt bondage.",
    }
    return {**values, **overrides}


@pytest.mark.parametrize(
    ("status", "suggested"),
    [
        (ImmigrationStatus.T_VISA, "yes"),
        (ImmigrationStatus.UNDOCUMENTED, "no"),
        (ImmigrationStatus.US_CITIZEN, "yes"),
        (ImmigrationStatus.UNKNOWN, "no"),
    ],
)
def test_the_form_suggests_eligibility_from_the_immigration_status(
    client, reviewer, status, suggested
):
    referral = helpers.ready_to_decide(reviewer, immigration_status=status)
    client.force_login(reviewer)

    response = client.get(_confirm_url(referral))

    form = response.context["form"]
    assert form["appears_eligible"].value() == suggested
    assert f"Suggested: {suggested}" in response.content.decode()


def test_the_preview_shows_destinations_blocked_ones_and_the_notices(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)

    response = client.post(_confirm_url(referral), _answers(referral, add_other="on"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Where the case will be sent" in page
    assert "Albany County" in page  # the district, allowed by consent
    assert "Not sent" in page and "has not consented" in page  # the RHTP provider
    assert "Notice of confirmation" in page and referral.legal_name in page
    assert "Notice to the referring organization" in page
    assert not Decision.objects.exists()
    assert AccessLog.objects.filter(detail="confirmation preview").exists()


def test_change_the_answers_returns_to_the_form_with_them(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)

    response = client.post(_confirm_url(referral), _answers(referral, action="edit"))

    assert response.context["form"]["note"].value() == "Clear account of debt bondage."
    assert "Preview the decision and notices" in response.content.decode()


def test_issuing_confirms_and_returns_to_the_case(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)

    response = client.post(_confirm_url(referral), _answers(referral, action="issue"), follow=True)

    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED
    page = response.content.decode()
    assert "is confirmed" in page and "Confirmation notice (adult)" in page
    assert "Where the case was sent" in page


def test_a_stale_form_says_so_and_records_nothing(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)
    stale = _answers(referral, action="issue", version=referral.version - 1)

    response = client.post(_confirm_url(referral), stale, follow=True)

    assert "Someone else changed referral" in response.content.decode()
    assert not Decision.objects.exists()


def test_without_a_consultation_the_pages_warn_and_refuse(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)

    form = client.get(_confirm_url(referral)).content.decode()
    response = client.post(_confirm_url(referral), _answers(referral, action="issue"), follow=True)

    assert "Record the consultation" in form
    assert "Record the consultation with the other agency" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_minor_by_date_of_birth_cannot_be_marked_adult(client, reviewer):
    referral = helpers.ready_to_decide(reviewer, date_of_birth=None, estimated_age=16)
    client.force_login(reviewer)

    response = client.post(_confirm_url(referral), _answers(referral, minor="no"))

    assert response.status_code == 400
    assert "makes the person a minor" in response.content.decode()


def test_missing_answers_are_listed_at_the_top_and_next_to_fields(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)

    response = client.post(_confirm_url(referral), {"version": referral.version})

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert page.count("Choose the basis of the confirmation.") == 2  # summary and field


def test_the_decline_preview_and_issue(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)
    answers = {
        "version": referral.version,
        "reasons": ["criteria_not_met", "other"],
        "note": "The work was voluntary and paid as agreed.",
    }

    preview = client.post(_decline_url(referral), answers).content.decode()
    client.post(_decline_url(referral), {**answers, "action": "issue"})

    assert "Notice of decline" in preview and "How to appeal" in preview
    assert "The work was voluntary and paid as agreed." in preview
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_the_other_reason_needs_an_explanation(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(reviewer)

    response = client.post(
        _decline_url(referral), {"version": referral.version, "reasons": ["other"]}
    )

    assert response.status_code == 400 and "Explain the other reason" in response.content.decode()


def test_someone_not_assigned_is_sent_back_from_the_decision_pages(
    client, reviewer, other_reviewer
):
    referral = helpers.ready_to_decide(reviewer)
    client.force_login(other_reviewer)

    for url in (_confirm_url(referral), _decline_url(referral)):
        response = client.post(url, _answers(referral, action="issue"), follow=True)
        assert "You cannot" in response.content.decode()
    assert not Decision.objects.exists()


def test_the_issued_notice_downloads_for_the_reviewer_and_the_referrer(client, reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.decline(referral, reviewer)
    notice = referral.notices.get(language="en")

    client.force_login(reviewer)
    as_reviewer = client.get(reverse("referrals:notice", args=[notice.public_id]))
    client.force_login(referral.submitted_by)
    as_referrer = client.get(reverse("referrals:notice", args=[notice.public_id]))

    assert as_reviewer.status_code == as_referrer.status_code == 200
    assert "Notice of decline" in helpers.pdf_text(b"".join(as_referrer))


def test_the_preview_warns_about_a_foreign_national_minor_once_per_fact(client, reviewer):
    referral = helpers.ready_to_decide(reviewer, date_of_birth=None, estimated_age=15)
    client.force_login(reviewer)

    response = client.post(
        _confirm_url(referral), _answers(referral, minor="yes", appears_eligible="no")
    )

    page = response.content.decode()
    assert "HHS to be told within 24 hours" in page
    assert "child-welfare pathway" in page
    assert "Notice of confirmation for a young person" in page
    # The list and the three notices: the person's in English and in Spanish (their language;
    # the reason is not translated), and the referring organization's.
    assert page.count("has not consented to sharing") == 4
    assert 'portal-alert--warning">Not sent to' not in page

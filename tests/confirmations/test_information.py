"""Requests for information: the request, the referrer's answer, and the paused clock."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from confirmations import selectors, services
from confirmations.models import ClockPause
from confirmations.services import ReviewRefused
from referral_portal.business_days import NEW_YORK, business_days_waited
from referrals import services as referral_services
from referrals.models import EventKind, InformationRequest, Reason, Status
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def _request(referral, person, **kwargs):
    referral.refresh_from_db()
    values = {
        "reasons": [Reason.MISSING_CONSENT, Reason.UNCLEAR_FACTS],
        "message": "Please send the signed consent form and say where the work took place.",
        "expected_version": referral.version,
    }
    return services.request_information(referral=referral, reviewer=person, **{**values, **kwargs})


def _answer(information_request):
    return referral_services.answer_information_request(
        information_request=information_request,
        user=information_request.referral.submitted_by,
        response="The consent form is attached; the farm is in Albany County.",
    )


def test_requesting_information_records_the_request_and_moves_the_referral(reviewer):
    referral = helpers.assigned(reviewer)

    request = _request(referral, reviewer)

    referral.refresh_from_db()
    assert referral.status == Status.INFO_REQUESTED
    assert request.reasons == ["missing_consent", "unclear_facts"]
    event = referral.events.get(kind=EventKind.INFO_REQUESTED)
    assert event.visible_to_referrer is True
    assert "Consent is missing or unclear" in event.note


def test_the_referrer_is_emailed_a_reference_and_a_link_only(reviewer, drain_outbox):
    referral = helpers.assigned(reviewer)
    drain_outbox()
    mail.outbox.clear()

    _request(referral, reviewer)
    drain_outbox()

    [message] = mail.outbox
    assert message.to == [referral.submitted_by.email]
    assert referral.reference in message.subject
    assert f"/referrals/{referral.public_id}/" in message.body
    for secret in (referral.legal_name, "consent form", referral.phone):
        assert secret.lower() not in message.body.lower()


def test_reasons_come_from_the_fixed_list_and_a_message_is_needed(reviewer):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused):
        _request(referral, reviewer, reasons=[])
    with pytest.raises(ReviewRefused):
        _request(referral, reviewer, reasons=["not_a_reason"])
    with pytest.raises(ReviewRefused):
        _request(referral, reviewer, message="  ")
    assert not InformationRequest.objects.exists()


def test_only_the_assigned_reviewer_requests_information(reviewer, other_reviewer, supervisor):
    referral = helpers.assigned(reviewer)

    for person in (other_reviewer, supervisor):
        with pytest.raises(ReviewRefused, match="assigned"):
            _request(referral, person)


def test_a_second_request_waits_for_the_answer(reviewer):
    referral = helpers.assigned(reviewer)
    _request(referral, reviewer)

    with pytest.raises(ReviewRefused, match="waiting"):
        _request(referral, reviewer)


def test_the_answer_puts_the_referral_at_the_top_of_the_queue(reviewer):
    referrer = helpers.submitted().submitted_by
    first = helpers.submitted(referrer)  # due first
    answered = helpers.assigned(reviewer, helpers.submitted(referrer))
    request = _request(answered, reviewer)

    _answer(request)

    answered.refresh_from_db()
    assert answered.status == Status.INFO_PROVIDED
    queue = list(selectors.review_queue(reviewer))
    assert queue[0] == answered
    assert first in queue


def test_the_queue_and_case_page_say_information_provided(client, reviewer):
    referral = helpers.assigned(reviewer)
    _answer(_request(referral, reviewer))
    client.force_login(reviewer)

    queue = client.get(reverse("confirmations:queue")).content.decode()
    case = client.get(reverse("confirmations:case", args=[referral.public_id])).content.decode()

    assert "Information provided" in queue
    assert "the referrer answered your request" in case
    assert "the farm is in Albany County" in case


def test_the_request_page_sends_a_request(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)
    url = reverse("confirmations:request_information", args=[referral.public_id])

    empty = client.post(url, {"version": referral.version})
    assert empty.status_code == 400
    assert "Choose at least one reason" in empty.content.decode()
    response = client.post(
        url,
        {
            "version": referral.version,
            "reasons": ["missing_identity", "other"],
            "message": "What is the date of birth?",
        },
        follow=True,
    )

    assert "Your request is sent" in response.content.decode()
    assert InformationRequest.objects.get(referral=referral).reasons == [
        "missing_identity", "other"
    ]  # fmt: skip


def test_the_request_page_sends_someone_not_assigned_back_to_the_case(client, other_reviewer):
    referral = helpers.submitted()
    client.force_login(other_reviewer)

    response = client.get(
        reverse("confirmations:request_information", args=[referral.public_id]), follow=True
    )

    assert "You cannot request information" in response.content.decode()


def _at(day: str, hour: int) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=NEW_YORK)


def test_by_default_the_clock_keeps_running(reviewer, settings):
    settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION = False
    referral = helpers.assigned(reviewer)
    due = referral.due_at

    _answer(_request(referral, reviewer))

    referral.refresh_from_db()
    assert referral.due_at == due
    assert not ClockPause.objects.exists()


def test_with_the_pause_on_the_due_date_moves_by_the_business_days_waited(reviewer, settings):
    settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION = True
    referral = helpers.assigned(reviewer)
    request = _request(referral, reviewer)
    # Asked on Tuesday November 24, 2026 (due Friday 27th at 5 pm) and answered the next
    # Tuesday: Wednesday, Friday, Monday and Tuesday are business days; Thursday is Thanksgiving.
    ClockPause.objects.filter(information_request=request).update(
        paused_at=_at("2026-11-24", 10), due_at_before=_at("2026-11-27", 17)
    )
    type(referral).objects.filter(pk=referral.pk).update(due_at=_at("2026-11-27", 17))

    pause = services.resume_clock(referral=referral, at=_at("2026-12-01", 9))

    referral.refresh_from_db()
    assert business_days_waited(pause.paused_at, pause.resumed_at) == 4
    assert referral.due_at == _at("2026-12-03", 17)
    assert pause.due_at_after == referral.due_at


def test_with_the_pause_on_the_referrers_answer_restarts_the_clock(reviewer, settings):
    settings.CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION = True
    referral = helpers.assigned(reviewer)
    request = _request(referral, reviewer)
    pause = ClockPause.objects.get(information_request=request)
    assert selectors.review_queue(reviewer).get(pk=referral.pk).clock_paused is True
    a_week_ago = timezone.now() - timedelta(days=7)
    ClockPause.objects.filter(pk=pause.pk).update(paused_at=a_week_ago)

    _answer(request)

    pause.refresh_from_db()
    referral.refresh_from_db()
    assert pause.resumed_at is not None
    assert referral.due_at > pause.due_at_before
    assert selectors.review_queue(reviewer).get(pk=referral.pk).clock_paused is False

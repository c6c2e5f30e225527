"""Confirm and decline: the rules, the rows, the notices and routing."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from confirmations import decisions
from confirmations.choices import Basis, DeclineReason
from confirmations.models import Decision
from confirmations.services import ReviewRefused, StaleReferral
from referral_portal.models import County
from referrals.models import EventKind, NoticeKind, Status
from routing.models import RoutingDelivery
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db


def test_confirming_records_the_decision_issues_two_notices_and_routes_the_case(reviewer):
    # An English speaker: no second language (tests/confirmations/test_notice_languages.py).
    referral = helpers.ready_to_decide(reviewer, preferred_language="en")

    decision = helpers.confirm(referral, reviewer, basis=Basis.FEDERAL_CRITERIA)

    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED
    assert referral.decided_at is not None
    assert decision.basis == Basis.FEDERAL_CRITERIA
    assert decision.appears_eligible is True
    assert decision.county_of_residence.name == "Albany"
    kinds = sorted(referral.notices.values_list("kind", flat=True))
    assert kinds == sorted([NoticeKind.CONFIRMATION_ADULT, NoticeKind.REFERRING_ORGANIZATION])
    [delivery] = RoutingDelivery.objects.filter(referral=referral)
    assert delivery.destination == "district"
    assert delivery.appears_eligible is True
    events = list(referral.events.values_list("kind", flat=True))
    assert EventKind.CONFIRMED in events and EventKind.ROUTED in events
    assert events.count(EventKind.NOTICE_ISSUED) == 2


def test_the_confirmation_notice_names_the_person_and_where_the_case_went(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.confirm(referral, reviewer)

    adult = referral.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language="en")
    text = helpers.notice_text(adult)
    assert "Notice of confirmation" in text
    assert referral.reference in text
    assert " ".join(referral.legal_name.split()) in text
    assert "Albany County" in text  # the district it was sent to
    to_organization = helpers.notice_text(
        referral.notices.get(kind=NoticeKind.REFERRING_ORGANIZATION)
    )
    assert referral.organization.name in to_organization


def test_a_minor_gets_the_notice_for_a_minor_and_the_child_welfare_flag(reviewer):
    referral = helpers.ready_to_decide(reviewer)

    helpers.confirm(referral, reviewer, minor=True)

    referral.refresh_from_db()
    assert referral.minor_at_referral is True
    notice = referral.notices.get(kind=NoticeKind.CONFIRMATION_MINOR, language="en")
    text = helpers.notice_text(notice)
    assert "young person" in text and "Safe Harbour" in text
    assert RoutingDelivery.objects.get(referral=referral).child_welfare_pathway is True


def test_also_sending_to_the_other_destination_routes_only_where_consent_allows(reviewer):
    # The builder's provider consent covers the LDSS, not the RHTP provider.
    referral = helpers.ready_to_decide(reviewer)

    helpers.confirm(referral, reviewer, add_other=True)

    assert list(
        RoutingDelivery.objects.filter(referral=referral).values_list("destination", flat=True)
    ) == ["district"]
    text = helpers.notice_text(referral.notices.get(kind=NoticeKind.REFERRING_ORGANIZATION))
    assert "has not consented" in text


def test_declining_records_reasons_and_issues_the_decline_notice_with_how_to_appeal(reviewer):
    referral = helpers.ready_to_decide(reviewer)

    decision = helpers.decline(
        referral,
        reviewer,
        reasons=[DeclineReason.CRITERIA_NOT_MET, DeclineReason.INSUFFICIENT_INFORMATION],
        note="No sign of force, fraud or coercion in the account given.",
    )

    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert decision.decline_reasons == ["criteria_not_met", "insufficient_information"]
    assert not RoutingDelivery.objects.filter(referral=referral).exists()
    text = helpers.notice_text(referral.notices.get(kind=NoticeKind.DECLINE, language="en"))
    assert "Notice of decline" in text
    assert "do not appear to meet the definition of human trafficking" in text
    assert "No sign of force, fraud or coercion" in text
    assert "How to appeal" in text and f"/review/{referral.public_id}/appeal/" in text


def test_the_referrer_is_emailed_a_reference_and_a_link_only(reviewer, drain_outbox):
    referral = helpers.ready_to_decide(reviewer)
    drain_outbox()  # the "received" e-mail of the submission
    mail.outbox.clear()
    helpers.confirm(referral, reviewer)

    drain_outbox()

    [message] = [m for m in mail.outbox if referral.submitted_by.email in m.to]
    assert referral.reference in message.subject
    assert f"/referrals/{referral.public_id}/" in message.body
    for secret in (referral.legal_name, referral.phone, referral.email, "confirmed"):
        assert secret.lower() not in message.body.lower()


def test_a_decision_needs_a_consultation(reviewer):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused, match="consultation"):
        helpers.confirm(referral, reviewer)
    with pytest.raises(ReviewRefused, match="consultation"):
        helpers.decline(referral, reviewer)
    assert not Decision.objects.exists()


def test_the_consultation_requirement_can_be_turned_off(reviewer, settings):
    settings.CONFIRMATIONS_REQUIRE_CONSULTATION = False
    referral = helpers.assigned(reviewer)

    helpers.confirm(referral, reviewer)

    referral.refresh_from_db()
    assert referral.status == Status.CONFIRMED


def test_only_the_assigned_reviewer_decides(reviewer, other_reviewer, supervisor):
    referral = helpers.ready_to_decide(reviewer)

    for person in (other_reviewer, supervisor):
        with pytest.raises(ReviewRefused, match="assigned"):
            helpers.confirm(referral, person)
        with pytest.raises(ReviewRefused, match="assigned"):
            helpers.decline(referral, person)
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED


def test_a_stale_form_is_refused(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    old_version = referral.version
    helpers.confirm(referral, reviewer)

    with pytest.raises(StaleReferral):
        decisions.decline_referral(
            referral=referral,
            reviewer=reviewer,
            reasons=["other"],
            note="x",
            expected_version=old_version,
        )
    assert Decision.objects.filter(referral=referral).count() == 1


@pytest.mark.parametrize("status", ["info_requested", "confirmed", "declined", "withdrawn"])
def test_no_decision_outside_submitted_or_information_provided(reviewer, status):
    referral = helpers.ready_to_decide(reviewer)
    for step in helpers.builders.PATHS[status]:
        getattr(referral, step)()
        referral.save()

    with pytest.raises(ReviewRefused):
        helpers.confirm(referral, reviewer)


def test_a_decision_after_information_provided_is_allowed(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    referral.request_information()
    referral.provide_information()
    referral.save()

    helpers.decline(referral, reviewer)

    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_the_other_reason_needs_a_note(reviewer):
    referral = helpers.ready_to_decide(reviewer)

    with pytest.raises(ReviewRefused, match="note"):
        helpers.decline(referral, reviewer, reasons=[DeclineReason.OTHER], note=" ")
    with pytest.raises(ReviewRefused, match="reason"):
        helpers.decline(referral, reviewer, reasons=["made_up"])


def test_the_database_refuses_a_second_first_decision_and_inconsistent_facts(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    decision = helpers.confirm(referral, reviewer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            referral=referral,
            outcome="declined",
            decline_reasons=["other"],
            decided_by=reviewer,
            referral_version=1,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(basis="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            referral=referral,
            stage="appeal",
            outcome="declined",
            decline_reasons=[],
            decided_by=reviewer,
            referral_version=1,
        )


def test_a_confirmation_without_a_county_is_recorded_but_sent_nowhere(reviewer):
    referral = helpers.ready_to_decide(reviewer)

    helpers.confirm(referral, reviewer, county=None)

    assert not RoutingDelivery.objects.filter(referral=referral).exists()
    text = helpers.notice_text(
        referral.notices.get(kind=NoticeKind.CONFIRMATION_ADULT, language="en")
    )
    assert "not sent to a local agency" in text


def test_the_reviewer_may_route_to_another_county_than_the_referral_gave(reviewer):
    referral = helpers.ready_to_decide(reviewer)

    helpers.confirm(referral, reviewer, county=County.objects.get(name="Kings"))

    delivery = RoutingDelivery.objects.select_related("district").get(referral=referral)
    assert delivery.district.name == "New York City"

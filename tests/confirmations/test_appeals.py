"""Appeals: the referrer appeals a decline within the period; a different reviewer decides."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from confirmations import decisions, services
from confirmations.models import Appeal, Decision
from confirmations.services import ReviewRefused
from referral_portal.business_days import next_business_day
from referral_portal.roles import Role
from referrals.break_glass import Purpose, open_grant
from referrals.models import EventKind, NoticeKind, Referral, Status
from routing.models import RoutingDelivery
from tests.confirmations import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
STATEMENT = "The person's statement to the police shows threats against her family."


@pytest.fixture
def declined(reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.decline(referral, reviewer)
    referral.refresh_from_db()
    return referral


def _appeal(referral, user=None):
    return decisions.file_appeal(
        referral=referral, user=user or referral.submitted_by, statement=STATEMENT
    )


def test_the_referrer_appeals_a_decline(declined, reviewer):
    appeal = _appeal(declined)

    declined.refresh_from_db()
    assert declined.status == Status.APPEALED
    assert declined.assigned_reviewer is None  # back to the queue for another reviewer
    assert appeal.declined_by == reviewer
    assert appeal.statement == STATEMENT
    assert declined.events.filter(kind=EventKind.APPEALED, visible_to_referrer=True).exists()


def test_an_organization_administrator_of_the_same_organization_may_appeal(declined):
    admin = UserFactory(role=Role.ORG_ADMIN, organization=declined.organization)

    _appeal(declined, admin)

    assert Appeal.objects.filter(referral=declined, filed_by=admin).exists()


def test_another_organization_cannot_appeal(declined):
    stranger = UserFactory(role=Role.REFERRER)

    with pytest.raises(ReviewRefused):
        _appeal(declined, stranger)


def test_the_appeal_period_is_a_setting(declined, settings):
    settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS = 10
    Referral.objects.filter(pk=declined.pk).update(decided_at=timezone.now() - timedelta(days=11))
    declined.refresh_from_db()

    with pytest.raises(ReviewRefused, match="ended"):
        _appeal(declined)
    settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS = 12
    _appeal(declined)


def test_a_referral_is_appealed_once(declined, other_reviewer):
    _appeal(declined)
    declined.refresh_from_db()
    with pytest.raises(ReviewRefused, match="cannot be appealed"):
        _appeal(declined)


def test_supervisors_are_told_of_an_appeal_without_personal_data(
    declined, supervisor, drain_outbox
):
    mail.outbox.clear()
    _appeal(declined)
    drain_outbox()

    [message] = [m for m in mail.outbox if supervisor.email in m.to]
    assert declined.reference in message.subject
    assert STATEMENT not in message.body and declined.legal_name not in message.body


def test_the_reviewer_who_declined_cannot_take_or_decide_the_appeal(declined, reviewer, supervisor):
    _appeal(declined)

    with pytest.raises(ReviewRefused, match="different reviewer"):
        services.claim_referral(referral=declined, reviewer=reviewer)
    with pytest.raises(ReviewRefused, match="different reviewer"):
        services.reassign_referral(referral=declined, actor=supervisor, reviewer=reviewer)
    assert reviewer not in services.assignable_reviewers(Referral.objects.get(pk=declined.pk))


def test_overturning_confirms_and_routes_like_any_other(declined, other_reviewer):
    _appeal(declined)
    helpers.assigned(other_reviewer, declined)
    declined.refresh_from_db()

    decision = decisions.overturn_appeal(
        referral=declined,
        reviewer=other_reviewer,
        facts=helpers.facts(declined),
        expected_version=declined.version,
    )

    declined.refresh_from_db()
    assert declined.status == Status.CONFIRMED
    assert decision.stage == "appeal" and decision.outcome == "confirmed"
    appeal = Appeal.objects.get(referral=declined)
    assert appeal.outcome == "overturned" and appeal.decided_by == other_reviewer
    assert RoutingDelivery.objects.filter(referral=declined).count() == 1
    assert declined.notices.filter(kind=NoticeKind.CONFIRMATION_ADULT).exists()
    assert declined.events.filter(kind=EventKind.APPEAL_OVERTURNED).exists()


def test_upholding_keeps_the_decline_and_issues_a_final_notice(declined, other_reviewer):
    _appeal(declined)
    helpers.assigned(other_reviewer, declined)
    declined.refresh_from_db()

    decisions.uphold_appeal(
        referral=declined,
        reviewer=other_reviewer,
        note="The new facts do not change it.",
        expected_version=declined.version,
    )

    declined.refresh_from_db()
    assert declined.status == Status.DECLINED
    assert Decision.objects.filter(referral=declined).count() == 2
    notice = (
        declined.notices.filter(kind=NoticeKind.DECLINE, language="en")
        .order_by("-created_at")
        .first()
    )
    text = helpers.notice_text(notice)
    assert "upheld" in text and "The new facts do not change it." in text
    assert "How to appeal" not in text
    assert decisions.appeal_open_until(declined) is None


def test_the_database_refuses_an_appeal_decided_by_the_decliner(declined, reviewer):
    appeal = _appeal(declined)
    decision = Decision.objects.get(referral=declined)

    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.filter(pk=appeal.pk).update(
            outcome="upheld", decided_by=reviewer, decided_at=timezone.now(), decision=decision
        )


# --- the referrer's appeal page ----------------------------------------------------------------
def test_the_appeal_page_files_an_appeal(client, declined):
    client.force_login(declined.submitted_by)
    url = reverse("confirmations:appeal", args=[declined.public_id])

    page = client.get(url)
    assert page.status_code == 200 and "You can appeal until" in page.content.decode()
    empty = client.post(url, {"statement": " "})
    assert (
        empty.status_code == 400
        and "Write why the decision should change" in empty.content.decode()
    )
    response = client.post(url, {"statement": STATEMENT})

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:detail", args=[declined.public_id])
    assert Appeal.objects.filter(referral=declined).exists()


def test_the_appeal_page_is_a_404_for_another_organization(client, declined):
    client.force_login(UserFactory(role=Role.REFERRER))

    response = client.get(reverse("confirmations:appeal", args=[declined.public_id]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["state_reviewer", "receiving_agency", "administrator"])
def test_the_appeal_page_is_for_referrers_only(client, declined, role):
    client.force_login(UserFactory(role=role, organization=declined.organization))

    response = client.post(
        reverse("confirmations:appeal", args=[declined.public_id]), {"statement": STATEMENT}
    )

    assert response.status_code == 403
    assert not Appeal.objects.exists()


def test_the_appeal_page_explains_when_no_appeal_is_possible(client, reviewer):
    referral = helpers.submitted()
    client.force_login(referral.submitted_by)

    response = client.get(reverse("confirmations:appeal", args=[referral.public_id]))

    assert "Only a declined referral can be appealed" in response.content.decode()


def test_the_decide_pages_overturn_an_appeal(client, declined, other_reviewer):
    _appeal(declined)
    helpers.assigned(other_reviewer, declined)
    declined.refresh_from_db()
    client.force_login(other_reviewer)
    url = reverse("confirmations:confirm", args=[declined.public_id])

    assert "Overturn the decline" in client.get(url).content.decode()
    answers = {
        "version": declined.version,
        "basis": "both",
        "appears_eligible": "yes",
        "county": declined.county_of_residence_id,
        "minor": "no",
        "note": "",
    }
    client.post(url, {**answers, "action": "issue"})

    declined.refresh_from_db()
    assert declined.status == Status.CONFIRMED


def test_the_referrers_detail_page_links_to_the_appeal_only_after_a_decline(client, declined):
    client.force_login(declined.submitted_by)
    appeal_url = reverse("confirmations:appeal", args=[declined.public_id])

    page = client.get(reverse("referrals:detail", args=[declined.public_id])).content.decode()

    assert f'href="{appeal_url}"' in page
    confirmed = helpers.submitted(referrer=declined.submitted_by)
    page = client.get(reverse("referrals:detail", args=[confirmed.public_id])).content.decode()
    assert "Appeal this decision" not in page


def test_the_case_page_of_an_overturned_appeal_shows_every_row_in_15_statements(
    client, reviewer, other_reviewer, administrator, drain_outbox, django_assert_max_num_queries
):
    """The fullest case: both decisions, the decided appeal, an extension, a break-glass grant,
    a possible duplicate, deliveries with their outcomes. Its decisions and appeal are read
    apart from the referral (confirmations.selectors.case_page_for) and must not cost more."""
    referral = helpers.ready_to_decide(reviewer)
    services.extend_deadline(
        referral=referral,
        actor=reviewer,
        reason="Waiting for the police report.",
        new_due_date=next_business_day(next_business_day(timezone.localdate(referral.due_at))),
    )
    referral.refresh_from_db()
    helpers.decline(referral, reviewer)
    referral.refresh_from_db()
    _appeal(referral)
    helpers.assigned(other_reviewer, referral)
    referral.refresh_from_db()
    decisions.overturn_appeal(
        referral=referral,
        reviewer=other_reviewer,
        facts=helpers.facts(referral),
        expected_version=referral.version,
    )
    drain_outbox()
    open_grant(
        referral=referral,
        administrator=administrator,
        purpose=Purpose.SUPPORT_INCIDENT,
        reason="A support ticket about this case needs the record.",
    )
    other = helpers.submitted(referral.submitted_by)
    referral.possible_duplicates.add(other)
    client.force_login(other_reviewer)
    url = reverse("confirmations:case", args=[referral.public_id])
    client.get(url)  # the once-a-minute session bookkeeping, outside the count

    with django_assert_max_num_queries(15):
        response = client.get(url)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Decline overturned" in page
    assert escape(STATEMENT) in page
    assert page.count('<div class="review-decision">') == 2  # the decline, then the appeal's
    assert other.reference in page
    assert RoutingDelivery.objects.filter(referral=referral).exists()

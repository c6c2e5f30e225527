"""Claim, release and reassign: who may, and the timeline."""

import pytest
from django.urls import reverse

from confirmations import services
from confirmations.services import ReviewRefused
from referrals.models import EventKind, ReferralEvent
from tests.confirmations import helpers
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _events(referral, kind):
    return list(ReferralEvent.objects.filter(referral=referral, kind=kind))


def test_a_reviewer_claims_an_unassigned_referral(reviewer):
    referral = helpers.submitted()

    services.claim_referral(referral=referral, reviewer=reviewer)

    referral.refresh_from_db()
    assert referral.assigned_reviewer == reviewer
    [event] = _events(referral, EventKind.ASSIGNED)
    assert event.actor == reviewer and event.visible_to_referrer is False


def test_claiming_someone_elses_referral_is_refused(reviewer, other_reviewer):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused, match="already assigned"):
        services.claim_referral(referral=referral, reviewer=other_reviewer)
    referral.refresh_from_db()
    assert referral.assigned_reviewer == reviewer


@pytest.mark.parametrize("role", ["referrer", "org_admin", "receiving_agency", "administrator"])
def test_only_reviewers_and_supervisors_can_be_assigned(role):
    person = UserFactory(role=role, organization=helpers.state_agency())
    referral = helpers.submitted()

    with pytest.raises(ReviewRefused):
        services.claim_referral(referral=referral, reviewer=person)


def test_an_inactive_reviewer_cannot_claim(reviewer):
    reviewer.is_active = False
    reviewer.save()
    with pytest.raises(ReviewRefused):
        services.claim_referral(referral=helpers.submitted(), reviewer=reviewer)


def test_the_assigned_reviewer_releases_to_unassigned(reviewer):
    referral = helpers.assigned(reviewer)

    services.release_referral(referral=referral, actor=reviewer)

    referral.refresh_from_db()
    assert referral.assigned_reviewer is None
    assert len(_events(referral, EventKind.RELEASED)) == 1


def test_another_reviewer_cannot_release_but_a_supervisor_can(reviewer, other_reviewer, supervisor):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused):
        services.release_referral(referral=referral, actor=other_reviewer)
    services.release_referral(referral=referral, actor=supervisor)

    referral.refresh_from_db()
    assert referral.assigned_reviewer is None


def test_supervisors_and_administrators_reassign(
    reviewer, other_reviewer, supervisor, administrator
):
    referral = helpers.assigned(reviewer)

    services.reassign_referral(referral=referral, actor=supervisor, reviewer=other_reviewer)
    referral.refresh_from_db()
    assert referral.assigned_reviewer == other_reviewer
    services.reassign_referral(referral=referral, actor=administrator, reviewer=reviewer)
    referral.refresh_from_db()
    assert referral.assigned_reviewer == reviewer
    notes = [e.note for e in _events(referral, EventKind.REASSIGNED)]
    assert len(notes) == 2 and other_reviewer.get_full_name() in notes[0]


def test_a_reviewer_cannot_reassign(reviewer, other_reviewer):
    referral = helpers.assigned(reviewer)

    with pytest.raises(ReviewRefused, match="supervisors"):
        services.reassign_referral(referral=referral, actor=reviewer, reviewer=other_reviewer)


def test_a_decided_referral_cannot_be_claimed(reviewer, other_reviewer):
    referral = helpers.ready_to_decide(reviewer)
    helpers.confirm(referral, reviewer)

    with pytest.raises(ReviewRefused, match="not waiting"):
        services.release_referral(referral=referral, actor=reviewer)


def test_claim_and_release_through_the_case_page(client, reviewer):
    referral = helpers.submitted()
    client.force_login(reviewer)

    response = client.post(reverse("confirmations:claim", args=[referral.public_id]), follow=True)
    assert "is assigned to you" in response.content.decode()
    response = client.post(reverse("confirmations:release", args=[referral.public_id]), follow=True)
    assert "back in the queue" in response.content.decode()
    referral.refresh_from_db()
    assert referral.assigned_reviewer is None


def test_claiming_an_assigned_referral_through_the_page_says_who_has_it(
    client, reviewer, other_reviewer
):
    referral = helpers.assigned(reviewer)
    client.force_login(other_reviewer)

    response = client.post(reverse("confirmations:claim", args=[referral.public_id]), follow=True)

    assert f"already assigned to {reviewer.get_full_name()}" in response.content.decode()


def test_the_reassign_page_lists_reviewers_and_reassigns(
    client, supervisor, reviewer, other_reviewer
):
    referral = helpers.assigned(reviewer)
    client.force_login(supervisor)
    url = reverse("confirmations:reassign", args=[referral.public_id])

    page = client.get(url).content.decode()
    assert other_reviewer.get_full_name() in page
    bad = client.post(url, {"reviewer": "not-a-number"})
    assert bad.status_code == 400 and "Choose a reviewer from the list" in bad.content.decode()
    client.post(url, {"reviewer": other_reviewer.pk})

    referral.refresh_from_db()
    assert referral.assigned_reviewer == other_reviewer


def test_a_reviewer_cannot_open_the_reassign_page(client, reviewer):
    referral = helpers.assigned(reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("confirmations:reassign", args=[referral.public_id]))

    assert response.status_code == 403

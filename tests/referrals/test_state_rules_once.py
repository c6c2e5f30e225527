"""The state rules are declared once, with the referral's transitions: the reviewers' queue and
its indexes, the review's checks and the buttons of the case page all follow them, so a second
copy cannot drift from the first."""

import pytest
from django.urls import reverse
from django_fsm import can_proceed

from confirmations import services as review
from referrals.models import (
    DECIDABLE_STATUSES,
    IN_QUEUE,
    QUEUE_STATUSES,
    Referral,
    Status,
)
from tests.confirmations import helpers
from tests.referrals.builders import in_state

pytestmark = pytest.mark.django_db

SUBMITTED_STATUSES = [status for status in Status if status != Status.DRAFT]
# The review's transitions: the queue holds the referrals that can still take one of them.
REVIEW_TRANSITIONS = [
    "request_information",
    "provide_information",
    "confirm",
    "decline",
    "overturn_on_appeal",
    "uphold_on_appeal",
]
# What the case page shows for each transition, to the reviewer assigned to the referral.
BUTTONS = {
    "confirm": ">Confirm</a>",
    "decline": ">Decline</a>",
    "overturn_on_appeal": ">Overturn the decline and confirm</a>",
    "uphold_on_appeal": ">Uphold the decline</a>",
    "request_information": ">Request information from the referrer</a>",
}
# What it shows while the referral is in the queue (steps that are not transitions).
QUEUE_STEPS = [
    ">Record a consultation</a>",
    ">Extend the deadline for good cause</a>",
    ">Release to the queue</button>",
]


def sources(transition: str) -> set[str]:
    """The statuses a transition of Referral may start from, as django-fsm-2 holds them."""
    return set(getattr(Referral, transition)._django_fsm.transitions)


def test_the_decidable_statuses_are_the_sources_of_the_first_decision():
    assert sources("confirm") == sources("decline") == set(DECIDABLE_STATUSES)
    assert sources("request_information") == set(DECIDABLE_STATUSES)


def test_the_queue_is_every_status_a_review_transition_starts_from():
    from_review = set().union(*(sources(name) for name in REVIEW_TRANSITIONS))

    assert set(QUEUE_STATUSES) == from_review
    assert list(QUEUE_STATUSES) == [status for status in Status if status in from_review]
    assert IN_QUEUE.children == [("status__in", [status.value for status in QUEUE_STATUSES])]


@pytest.mark.parametrize("status", SUBMITTED_STATUSES)
def test_the_case_page_shows_the_buttons_the_transitions_allow(client, status):
    reviewer = helpers.reviewer()
    referral = in_state(status)
    Referral.objects.filter(pk=referral.pk).update(assigned_reviewer=reviewer)
    client.force_login(reviewer)

    response = client.get(reverse("confirmations:case", args=[referral.public_id]))

    assert response.status_code == 200
    page = response.content.decode()
    for transition, button in BUTTONS.items():
        allowed = can_proceed(getattr(referral, transition))
        assert (button in page) is allowed, f"{button} from {status}"
    for step in QUEUE_STEPS:
        assert (step in page) is (status in QUEUE_STATUSES), f"{step} from {status}"


@pytest.mark.parametrize("status", SUBMITTED_STATUSES)
def test_an_unassigned_referral_can_be_claimed_only_in_the_queue(client, status):
    reviewer = helpers.reviewer()
    referral = in_state(status)
    client.force_login(reviewer)

    page = client.get(reverse("confirmations:case", args=[referral.public_id])).content.decode()

    assert (">Claim this referral</button>" in page) is (status in QUEUE_STATUSES)
    assert review.may_claim(reviewer, referral) is (status in QUEUE_STATUSES)


@pytest.mark.parametrize("status", SUBMITTED_STATUSES)
def test_the_service_refuses_exactly_what_the_page_does_not_offer(status):
    reviewer = helpers.reviewer()
    referral = in_state(status)
    Referral.objects.filter(pk=referral.pk).update(assigned_reviewer=reviewer)
    referral.refresh_from_db()
    offered = review.may_request_information(reviewer, referral)
    assert offered is can_proceed(referral.request_information)

    if offered:
        review.request_information(
            referral=referral, reviewer=reviewer, reasons=["unclear_facts"], message="Where?"
        )
        assert Referral.objects.get(pk=referral.pk).status == Status.INFO_REQUESTED
    else:
        with pytest.raises(review.ReviewRefused, match="only before the decision"):
            review.request_information(
                referral=referral, reviewer=reviewer, reasons=["unclear_facts"], message="Where?"
            )
        assert Referral.objects.get(pk=referral.pk).status == status


def test_a_draft_has_no_case_page(client):
    reviewer = helpers.reviewer()
    draft = in_state(Status.DRAFT)
    client.force_login(reviewer)

    response = client.get(reverse("confirmations:case", args=[draft.public_id]))

    assert response.status_code == 404

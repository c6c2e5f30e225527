"""An organization's status is a state machine (django-fsm-2, protected field): the State's
decisions are its transitions, a move not declared raises, and nothing assigns the status."""

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from accounts import services
from accounts.models import Organization
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
Status = Organization.Status

ILLEGAL = [
    (Status.DECLINED, "verify"),
    (Status.VERIFIED, "verify"),
    (Status.SUSPENDED, "verify"),
    (Status.VERIFIED, "decline"),
    (Status.APPLIED, "suspend"),
    (Status.SUSPENDED, "suspend"),
    (Status.DECLINED, "suspend"),
    (Status.APPLIED, "reinstate"),
    (Status.VERIFIED, "reinstate"),
    (Status.REINSTATED, "reinstate"),
]


@pytest.mark.parametrize(("status", "transition"), ILLEGAL)
def test_a_move_not_declared_raises_and_changes_nothing(status, transition):
    organization = OrganizationFactory(status=status)

    with pytest.raises(TransitionNotAllowed):
        getattr(organization, transition)(reason="why", at=timezone.now())

    assert organization.status == status
    assert organization.status_reason == ""


def test_the_status_cannot_be_assigned():
    organization = OrganizationFactory(status=Status.SUSPENDED)

    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        organization.status = Status.VERIFIED

    organization.refresh_from_db()  # the protected field still reloads
    organization.full_clean()  # and validation (the admin's, the services') does not trip on it
    assert organization.status == Status.SUSPENDED


def test_verifying_records_the_reason_and_the_time():
    organization = OrganizationFactory(status=Status.APPLIED, verified_at=None)
    now = timezone.now()

    organization.verify(reason="Checked the designation letter.", at=now)

    assert organization.status == Status.VERIFIED
    assert organization.status_reason == "Checked the designation letter."
    assert organization.verified_at == now


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (Status.APPLIED, ["verify", "decline"]),
        (Status.VERIFIED, ["suspend"]),
        (Status.SUSPENDED, ["reinstate"]),
        (Status.REINSTATED, ["suspend"]),
        (Status.DECLINED, []),
    ],
)
def test_the_decisions_offered_are_the_transitions_that_can_proceed(status, offered):
    organization = OrganizationFactory(status=status)

    decisions = services.decisions_for(organization)

    assert [d.verb for d in decisions] == offered
    for decision in services.DECISIONS.values():
        assert (decision in decisions) is can_proceed(decision.transition(organization))


def test_each_decision_leads_where_its_transition_declares():
    assert {verb: d.to_status for verb, d in services.DECISIONS.items()} == {
        "verify": Status.VERIFIED,
        "decline": Status.DECLINED,
        "suspend": Status.SUSPENDED,
        "reinstate": Status.REINSTATED,
    }


def test_an_application_is_for_a_new_organization_only(provider, faker):
    with pytest.raises(services.AccountRuleError, match="new organization"):
        services.apply_for_access(
            organization=provider,
            first_name=faker.first_name(),
            last_name=faker.last_name(),
            email=faker.unique.email(),
            job_title="Director",
            phone="518-555-0104",
        )

    provider.refresh_from_db()
    assert provider.status == Status.VERIFIED

"""A delivery's state is a state machine (django-fsm-2): queued, then delivered or failed; a
failed (or stuck) delivery may be sent again. A move not declared raises."""

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed, can_proceed

from referral_portal.roles import Role
from routing import services
from routing.models import DeliveryState, RoutingDelivery
from tests.factories import UserFactory
from tests.routing.conftest import route
from tests.routing.factories import confirmed_referral

pytestmark = pytest.mark.django_db


def _delivery_in(state: str) -> RoutingDelivery:
    [delivery] = route(confirmed_referral())
    RoutingDelivery.objects.filter(pk=delivery.pk).update(
        state=state,
        portal_delivered_at=timezone.now(),
        delivered_at=timezone.now() if state == DeliveryState.DELIVERED else None,
    )
    return RoutingDelivery.objects.get(pk=delivery.pk)


ILLEGAL = [
    (DeliveryState.DELIVERED, "mark_delivered"),
    (DeliveryState.FAILED, "mark_delivered"),
    (DeliveryState.DELIVERED, "fail"),
    (DeliveryState.FAILED, "fail"),
    (DeliveryState.DELIVERED, "send_again"),
]
TAKES_A_TIME = {"mark_delivered", "send_again"}


@pytest.mark.parametrize(("state", "transition"), ILLEGAL)
def test_a_move_not_declared_raises_and_changes_nothing(state, transition):
    delivery = _delivery_in(state)
    arguments = {"at": timezone.now()} if transition in TAKES_A_TIME else {}

    with pytest.raises(TransitionNotAllowed):
        getattr(delivery, transition)(**arguments)

    assert delivery.state == state
    delivery.refresh_from_db()
    assert delivery.state == state


def test_a_queued_delivery_is_delivered_once():
    delivery = _delivery_in(DeliveryState.QUEUED)
    now = timezone.now()

    delivery.mark_delivered(at=now)
    delivery.save()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.delivered_at == now and delivery.next_attempt_at is None
    assert not can_proceed(delivery.mark_delivered)


def test_sending_again_starts_a_fresh_count_of_tries():
    delivery = _delivery_in(DeliveryState.QUEUED)
    delivery.attempts = 5
    delivery.last_error = "Webhook: HTTP 500"
    delivery.fail()
    delivery.save()
    assert delivery.state == DeliveryState.FAILED and delivery.next_attempt_at is None
    now = timezone.now()

    delivery.send_again(at=now)

    assert delivery.state == DeliveryState.QUEUED
    assert (delivery.attempts, delivery.last_error, delivery.next_attempt_at) == (0, "", now)


def test_an_administrator_cannot_resend_what_was_delivered():
    delivery = _delivery_in(DeliveryState.DELIVERED)
    admin = UserFactory(role=Role.ADMINISTRATOR)

    with pytest.raises(services.RoutingRefused, match="already been delivered"):
        services.resend_delivery(delivery=delivery, actor=admin)

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED

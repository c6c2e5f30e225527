"""Routing a confirmed referral, delivering it (handlers run in this process through the real
outbox code), and the receiving agency's acknowledgement and outcome reports."""

from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from referral_portal.models import OutboxMessage
from referral_portal.roles import Role
from referrals.models import ConsentScope, EventKind, Referral, ReferralEvent
from routing import rules, services, tasks
from routing.models import DeliveryState, RoutingDelivery, RoutingEndpoint
from tests.factories import UserFactory
from tests.referrals.factories import ReferralFactory
from tests.routing.conftest import route
from tests.routing.factories import (
    ALL_SHARING,
    confirmed_referral,
    district,
    provider,
    receiving_user,
    reviewer,
)
from tests.routing.receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


def _deliver_rows(delivery):
    return OutboxMessage.objects.filter(kind=services.DELIVER, payload__delivery_id=delivery.pk)


def test_routing_writes_one_delivery_and_one_outbox_row_per_destination():
    referral = confirmed_referral()

    deliveries = route(referral, add_other=True)

    assert {d.organization for d in deliveries} == {
        district().organization,
        provider().organization,
    }
    for delivery in deliveries:
        assert delivery.state == DeliveryState.QUEUED
        assert _deliver_rows(delivery).count() == 1
    events = ReferralEvent.objects.filter(referral=referral, kind=EventKind.ROUTED)
    assert events.count() == 2 and all(e.visible_to_referrer for e in events)


def test_routing_the_same_referral_again_adds_nothing():
    referral = confirmed_referral()
    route(referral)

    assert route(referral) == []
    assert RoutingDelivery.objects.filter(referral=referral).count() == 1
    assert OutboxMessage.objects.filter(kind=services.DELIVER).count() == 1


def test_routing_happens_in_the_callers_transaction():
    referral = confirmed_referral()
    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=referral.county_of_residence
    )

    with pytest.raises(RuntimeError), transaction.atomic():
        services.route_confirmed_referral(
            referral=referral, destinations=proposal.allowed, actor=reviewer()
        )
        raise RuntimeError("the confirmation failed after routing")

    assert not RoutingDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(kind=services.DELIVER).exists()


def test_nothing_is_routed_beyond_the_consent_recorded_now():
    referral = confirmed_referral()
    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=referral.county_of_residence
    )
    Referral.objects.filter(pk=referral.pk).update(consent_scopes=[ConsentScope.SHARE_WITH_RHTP])

    with pytest.raises(services.RoutingRefused):
        services.route_confirmed_referral(
            referral=referral, destinations=proposal.allowed, actor=reviewer()
        )

    assert not RoutingDelivery.objects.exists()


def test_a_blocked_destination_is_refused():
    referral = confirmed_referral(
        consent_scopes=[ConsentScope.CONFIRMATION, ConsentScope.SHARE_WITH_RHTP]
    )
    proposal = rules.propose_destinations(
        referral=referral, appears_eligible=True, county=referral.county_of_residence
    )

    with pytest.raises(services.RoutingRefused, match="not consented"):
        services.route_confirmed_referral(
            referral=referral, destinations=proposal.blocked, actor=reviewer()
        )


def test_only_a_confirmed_referral_is_routed():
    referral = ReferralFactory(consent_scopes=ALL_SHARING)  # submitted, not decided

    with pytest.raises(services.RoutingRefused, match="not confirmed"):
        route(referral)


def test_delivery_shows_the_case_and_tells_people_with_a_link_and_no_personal_data(drain_outbox):
    referral = confirmed_referral()
    agency = district().organization
    people = [receiving_user(agency), receiving_user(agency)]
    receiving_user(provider().organization)  # another agency: not told
    [delivery] = route(referral)

    drain_outbox()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.portal_delivered_at is not None
    assert delivery.acknowledge_due_at > delivery.portal_delivered_at
    assert delivery.first_contact_due_at >= delivery.acknowledge_due_at
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([p.email for p in people] + [district().intake_email])
    for message in mail.outbox:
        assert referral.reference in message.subject
        assert f"/cases/{delivery.public_id}/" in message.body
        for secret in (referral.legal_name, referral.phone, referral.email, "Spanish"):
            assert secret not in message.body and secret not in message.subject


def test_a_repeated_delivery_message_has_one_effect(drain_outbox):
    [delivery] = route(confirmed_referral())
    drain_outbox()
    sent = len(mail.outbox)

    # The same work arriving again (a redelivered message, the stuck-row relay, a second worker)
    with transaction.atomic():
        OutboxMessage.objects.create(kind=services.DELIVER, payload={"delivery_id": delivery.pk})
        OutboxMessage.objects.create(kind=services.NOTIFY, payload={"delivery_id": delivery.pk})
    drain_outbox()

    assert len(mail.outbox) == sent
    assert OutboxMessage.objects.filter(kind=services.NOTIFY).count() == 2  # 1 real + 1 copy


def test_webhook_failures_back_off_then_fail_and_an_administrator_sends_again(
    settings, drain_outbox
):
    settings.ROUTING_WEBHOOK_ALLOW_HTTP = True
    settings.ROUTING_WEBHOOK_MAX_ATTEMPTS = 3
    settings.ROUTING_WEBHOOK_RETRY_BASE_SECONDS = 0
    admin = UserFactory(role=Role.ADMINISTRATOR)
    referral = confirmed_referral()
    with WebhookReceiver(secret="s" * 40, fail_first=3) as receiver:
        RoutingEndpoint.objects.create(
            organization=district().organization, url=receiver.url, secret=receiver.secret
        )
        [delivery] = route(referral)

        drain_outbox()

        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.FAILED
        assert delivery.attempts == 3
        assert delivery.last_error == "Webhook: HTTP 500"
        assert delivery.portal_delivered_at is not None  # the portal has it all the same
        failed = ReferralEvent.objects.get(referral=referral, kind=EventKind.DELIVERY_FAILED)
        assert failed.visible_to_referrer is False
        assert [m.to for m in mail.outbox if "Delivery failed" in m.subject] == [[admin.email]]

        services.resend_delivery(delivery=delivery, actor=admin)
        drain_outbox()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert delivery.attempts == 1
    assert [r.status for r in receiver.requests] == [500, 500, 500, 200]
    assert all(r.signature_valid for r in receiver.requests)
    assert list(receiver.accepted) == [str(delivery.public_id)]
    body = receiver.accepted[str(delivery.public_id)].decode()
    assert referral.reference in body and referral.legal_name not in body
    notify = OutboxMessage.objects.filter(kind=services.NOTIFY)
    assert notify.count() == 1  # the resend did not tell people a second time


def test_backoff_doubles_up_to_the_ceiling(settings):
    settings.ROUTING_WEBHOOK_RETRY_BASE_SECONDS = 10
    settings.ROUTING_WEBHOOK_RETRY_MAX_SECONDS = 60
    from routing.webhooks import backoff

    for attempts, nominal in [(1, 10), (2, 20), (3, 40), (4, 60), (9, 60)]:
        seconds = backoff(attempts).total_seconds()
        assert nominal * 0.8 <= seconds <= nominal * 1.2


def test_only_administrators_resend():
    [delivery] = route(confirmed_referral())

    with pytest.raises(services.NotYours):
        services.resend_delivery(delivery=delivery, actor=UserFactory(role=Role.STATE_REVIEWER))


def test_acknowledging_is_for_the_receiving_organization_and_happens_once(albany_case):
    delivery, user = albany_case
    outsider = receiving_user(provider().organization)

    with pytest.raises(services.NotYours):
        services.acknowledge_delivery(delivery=delivery, actor=outsider)
    services.acknowledge_delivery(delivery=delivery, actor=user)
    services.acknowledge_delivery(delivery=delivery, actor=user)

    delivery.refresh_from_db()
    assert delivery.acknowledged_by == user
    events = ReferralEvent.objects.filter(referral=delivery.referral, kind=EventKind.ACKNOWLEDGED)
    assert events.count() == 1 and events.get().visible_to_referrer


def test_a_case_not_yet_delivered_cannot_be_acknowledged():
    [delivery] = route(confirmed_referral())

    with pytest.raises(services.NotYours):
        services.acknowledge_delivery(
            delivery=delivery, actor=receiving_user(delivery.organization)
        )


def test_could_not_reach_needs_attempts_and_transferred_needs_an_agency(albany_case):
    delivery, user = albany_case

    with pytest.raises(services.OutcomeInvalid) as no_attempts:
        services.report_outcome(delivery=delivery, actor=user, outcome="could_not_reach")
    with pytest.raises(services.OutcomeInvalid) as no_agency:
        services.report_outcome(delivery=delivery, actor=user, outcome="transferred")
    with pytest.raises(services.OutcomeInvalid) as future:
        tomorrow = timezone.localdate() + timedelta(days=1)
        services.report_outcome(
            delivery=delivery,
            actor=user,
            outcome="could_not_reach",
            attempts=[(tomorrow, "phone")],
        )

    assert set(no_attempts.value.errors) == {"attempts"}
    assert set(no_agency.value.errors) == {"transferred_to"}
    assert set(future.value.errors) == {"attempts"}
    assert not delivery.outcome_reports.exists()


def test_an_outcome_reaches_the_referrers_timeline_without_the_private_note(albany_case):
    delivery, user = albany_case
    today = timezone.localdate()

    report = services.report_outcome(
        delivery=delivery,
        actor=user,
        outcome="could_not_reach",
        attempts=[(today, "phone"), (today, "text")],
        note="Left a voicemail at the shelter",
    )
    services.report_outcome(delivery=delivery, actor=user, outcome="contacted")

    delivery.refresh_from_db()
    assert delivery.acknowledged_at is not None  # reporting implies receipt
    assert delivery.first_outcome_at == report.reported_at
    assert [a.method for a in report.attempts.all()] == ["phone", "text"]
    visible = ReferralEvent.objects.filter(referral=delivery.referral, visible_to_referrer=True)
    kinds = [e.kind for e in visible.order_by("at", "id")]
    routed = kinds.index("routed")  # before it: the referral's submission and decision
    assert kinds[routed:] == ["routed", "acknowledged", "outcome_reported", "outcome_reported"]
    notes = " ".join(e.note for e in visible)
    assert "Contacted the person" in notes and "Could not reach the person" in notes
    assert "voicemail" not in notes
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM routing_outcomereport WHERE id = %s", [report.pk])
        assert "voicemail" not in cursor.fetchone()[0]


def test_deadlines_remind_on_the_due_day_and_escalate_once_missed(
    albany_case, time_machine, drain_outbox
):
    delivery, user = albany_case
    supervisor = UserFactory(role=Role.STATE_SUPERVISOR)
    mail.outbox.clear()
    due = delivery.acknowledge_due_at

    time_machine.move_to(due - timedelta(hours=2))
    assert services.check_deadlines() == {"reminded": 1, "escalated": 0}
    assert services.check_deadlines() == {"reminded": 0, "escalated": 0}  # once only
    drain_outbox()
    reminded = {m.to[0] for m in mail.outbox if m.subject.startswith("Reminder")}
    assert user.email in reminded and supervisor.email not in reminded

    mail.outbox.clear()
    time_machine.move_to(due + timedelta(hours=1))
    counts = services.check_deadlines()
    drain_outbox()
    assert counts["escalated"] == 1
    assert [m.to for m in mail.outbox if m.subject.startswith("Missed")] == [[supervisor.email]]
    assert services.check_deadlines()["escalated"] == 0


def test_an_acknowledged_case_is_not_escalated(albany_case, time_machine):
    delivery, user = albany_case
    services.acknowledge_delivery(delivery=delivery, actor=user)

    time_machine.move_to(delivery.acknowledge_due_at + timedelta(hours=1))

    assert services.check_deadlines()["escalated"] == 0


def test_the_sweep_requeues_a_delivery_whose_outbox_row_gave_up(
    settings, time_machine, drain_outbox
):
    [delivery] = route(confirmed_referral())
    _deliver_rows(delivery).update(status="failed")  # e.g. the database was down 8 times
    assert services.resend_stuck_deliveries() == 0  # not stuck long enough yet

    later = timedelta(seconds=settings.ROUTING_STUCK_AFTER_SECONDS + 5)
    time_machine.move_to(timezone.now() + later)
    assert services.resend_stuck_deliveries() == 1
    assert services.resend_stuck_deliveries() == 0  # a live row now exists
    drain_outbox()

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED


def test_beat_runs_the_deadline_check_daily_and_the_stuck_sweep_every_five_minutes(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["routing-deadlines"]["task"] == tasks.check_deadlines.name
    assert isinstance(schedule["routing-deadlines"]["schedule"], crontab)
    assert schedule["routing-resend-stuck"]["task"] == tasks.resend_stuck_deliveries.name
    assert schedule["routing-resend-stuck"]["schedule"] <= settings.ROUTING_STUCK_AFTER_SECONDS
    # Both run in this process as the worker would run them, without error.
    assert tasks.check_deadlines.apply().successful()
    assert tasks.resend_stuck_deliveries.apply().successful()

"""Two people acting on one referral at the same moment, in two real PostgreSQL transactions
(two threads, two connections). A third connection holds the row lock until both are waiting
for it, so the two really overlap; then exactly one wins and the other gets a clear refusal."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from confirmations import decisions, services
from confirmations.models import Decision
from referrals.models import EventKind, Referral, Status
from tests.confirmations import helpers

pytestmark = pytest.mark.django_db(transaction=True)


def _waiting_for_locks() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def race(referral, *actions) -> list:
    """Run each action in its own thread and connection, all released at once."""
    results = [None] * len(actions)
    locked, release = threading.Event(), threading.Event()

    def hold_the_row():
        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(pk=referral.pk)
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    def run(index, action):
        try:
            results[index] = action()
        except Exception as error:  # noqa: BLE001 - the loser's refusal is the result
            results[index] = error
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_row)
    holder.start()
    assert locked.wait(10)
    workers = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 10
    while _waiting_for_locks() < len(actions) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _waiting_for_locks() == len(actions), "both transactions should be waiting"
    release.set()
    for thread in (holder, *workers):
        thread.join(30)
    return results


def test_two_reviewers_claiming_at_once_leaves_exactly_one_assigned():
    first, second = helpers.reviewer(), helpers.reviewer()
    referral = helpers.submitted()

    results = race(
        referral,
        lambda: services.claim_referral(referral=referral, reviewer=first),
        lambda: services.claim_referral(referral=referral, reviewer=second),
    )

    referral.refresh_from_db()
    winner = first if referral.assigned_reviewer == first else second
    loser_result = results[1] if winner == first else results[0]
    assert isinstance(loser_result, services.ReviewRefused)
    assert f"already assigned to {winner.get_full_name()}" in str(loser_result)
    assert referral.events.filter(kind=EventKind.ASSIGNED).count() == 1


def test_two_decisions_at_once_record_exactly_one():
    reviewer = helpers.reviewer()
    referral = helpers.ready_to_decide(reviewer)
    version = referral.version

    results = race(
        referral,
        lambda: decisions.confirm_referral(
            referral=referral,
            reviewer=reviewer,
            facts=helpers.facts(referral),
            expected_version=version,
        ),
        lambda: decisions.decline_referral(
            referral=referral,
            reviewer=reviewer,
            reasons=["criteria_not_met"],
            note="",
            expected_version=version,
        ),
    )

    decided = [r for r in results if isinstance(r, Decision)]
    refused = [r for r in results if isinstance(r, services.StaleReferral)]
    assert len(decided) == 1 and len(refused) == 1, results
    assert Decision.objects.filter(referral=referral).count() == 1
    referral.refresh_from_db()
    assert referral.status == decided[0].outcome
    assert referral.version == version + 1
    notice_kinds = set(referral.notices.values_list("kind", flat=True))
    if referral.status == Status.CONFIRMED:
        assert notice_kinds == {"confirmation_adult", "referring_organization"}
    else:
        assert notice_kinds == {"decline"}


def test_a_decision_and_a_reassignment_at_once_never_both_apply():
    reviewer, other, supervisor = helpers.reviewer(), helpers.reviewer(), helpers.supervisor()
    referral = helpers.ready_to_decide(reviewer)
    version = referral.version

    results = race(
        referral,
        lambda: decisions.confirm_referral(
            referral=referral,
            reviewer=reviewer,
            facts=helpers.facts(referral),
            expected_version=version,
        ),
        lambda: services.reassign_referral(referral=referral, actor=supervisor, reviewer=other),
    )

    referral.refresh_from_db()
    confirmed, reassigned = results
    if isinstance(confirmed, Decision):
        assert isinstance(reassigned, services.ReviewRefused)
        assert referral.status == Status.CONFIRMED and referral.assigned_reviewer == reviewer
    else:
        assert isinstance(confirmed, services.ReviewRefused)
        assert referral.status == Status.SUBMITTED and referral.assigned_reviewer == other
        assert not Decision.objects.filter(referral=referral).exists()

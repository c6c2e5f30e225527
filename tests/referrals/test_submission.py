"""Submitting: reference numbers, the statutory clock, the timeline, duplicates, and what
never leaves the database in plaintext."""

import datetime
import logging
import threading

import pytest
import time_machine
from django.db import connection, connections
from django.utils import timezone

from referral_portal.business_days import NEW_YORK
from referral_portal.models import OutboxMessage
from referrals import services
from referrals.models import EventKind, Referral, Status
from tests.factories import UserFactory
from tests.referrals.builders import draft, submitted

PERSONAL_COLUMNS = [
    "legal_name",
    "other_names",
    "date_of_birth",
    "address",
    "phone",
    "email",
    "safe_contact_notes",
    "places",
    "narrative",
]


@pytest.mark.django_db
def test_submitting_gives_a_reference_starts_the_clock_and_writes_the_timeline():
    referral = draft()
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 30, tzinfo=NEW_YORK)):
        result = services.submit_referral(referral=referral, user=referral.created_by)

    assert result.status == Status.SUBMITTED
    assert result.reference == "VC-2026-000001"
    assert result.submitted_by == referral.created_by
    # The day before Thanksgiving: Wednesday, Friday, Monday.
    assert result.due_at == datetime.datetime(2026, 11, 30, 17, 0, tzinfo=NEW_YORK)
    kinds = list(result.events.order_by("id").values_list("kind", "from_status", "to_status"))
    assert kinds == [
        (EventKind.CREATED, "", Status.DRAFT),
        (EventKind.SUBMITTED, Status.DRAFT, Status.SUBMITTED),
    ]
    assert OutboxMessage.objects.filter(
        kind="referrals.submitted", payload={"referral": str(result.public_id)}
    ).exists()


@pytest.mark.django_db
def test_the_number_of_business_days_is_a_setting(settings):
    settings.REFERRAL_DECISION_BUSINESS_DAYS = 6
    with time_machine.travel(datetime.datetime(2026, 3, 9, 9, 0, tzinfo=NEW_YORK)):
        referral = draft()
        result = services.submit_referral(referral=referral, user=referral.created_by)
    assert result.due_at == datetime.datetime(2026, 3, 16, 17, 0, tzinfo=NEW_YORK)


@pytest.mark.django_db
def test_references_are_sequential_per_year_and_restart_in_a_new_year():
    user = UserFactory()
    with time_machine.travel(datetime.datetime(2026, 12, 31, 12, 0, tzinfo=NEW_YORK)):
        first = submitted(user)
        second = submitted(user)
    with time_machine.travel(datetime.datetime(2027, 1, 4, 9, 0, tzinfo=NEW_YORK)):
        third = submitted(user)
    assert [first.reference, second.reference, third.reference] == [
        "VC-2026-000001",
        "VC-2026-000002",
        "VC-2027-000001",
    ]


@pytest.mark.django_db
def test_a_number_is_never_reused_after_a_withdrawal():
    user = UserFactory()
    first = submitted(user)
    services.withdraw_referral(referral=first, user=user, reason="Made in error.")
    second = submitted(user)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


@pytest.mark.django_db
def test_a_minor_at_the_referral_date_is_recorded_at_submission():
    today = timezone.localdate()
    referral = submitted(date_of_birth=today.replace(year=today.year - 17))
    assert referral.minor_at_referral is True
    assert submitted().minor_at_referral is False


@pytest.mark.django_db
def test_submitting_twice_is_refused_and_keeps_one_reference():
    referral = submitted()
    with pytest.raises(services.NotAllowed):
        services.submit_referral(referral=referral, user=referral.created_by)
    assert Referral.objects.exclude(reference=None).count() == 1


@pytest.mark.django_db
def test_a_stale_version_is_refused():
    referral = draft()
    with pytest.raises(services.StaleReferral):
        services.submit_referral(
            referral=referral, user=referral.created_by, expected_version=referral.version + 1
        )


@pytest.mark.django_db
def test_only_the_author_submits_a_draft():
    referral = draft()
    colleague = UserFactory(organization=referral.organization)
    with pytest.raises(services.NotAllowed):
        services.submit_referral(referral=referral, user=colleague)


@pytest.mark.django_db
def test_earlier_referrals_of_the_same_person_are_linked_for_reviewers():
    first = submitted(legal_name="Ana María López", date_of_birth=datetime.date(1994, 5, 6))
    other_org_user = UserFactory()
    second = submitted(
        other_org_user, legal_name="ANA MARIA  LOPEZ", date_of_birth=datetime.date(1994, 5, 6)
    )
    unrelated = submitted(legal_name="Ana María López", date_of_birth=datetime.date(1990, 1, 1))
    assert list(second.possible_duplicates.all()) == [first]
    assert first not in unrelated.possible_duplicates.all()


@pytest.mark.django_db
def test_the_raw_row_holds_only_ciphertext_in_personal_fields():
    referral = submitted()
    values = Referral.objects.filter(pk=referral.pk).values_list(*PERSONAL_COLUMNS).get()
    plaintexts = dict(zip(PERSONAL_COLUMNS, values, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(PERSONAL_COLUMNS)} FROM referrals_referral WHERE id = %s",  # noqa: S608
            [referral.pk],
        )
        row = dict(zip(PERSONAL_COLUMNS, cursor.fetchone(), strict=True))
    for column in PERSONAL_COLUMNS:
        plaintext = str(plaintexts[column])
        assert plaintext, column
        assert row[column].startswith("v2:"), column
        assert plaintext not in row[column], column
    # The blind indexes are keyed hashes, not the values.
    assert referral.name_index and referral.legal_name.casefold() not in referral.name_index


@pytest.mark.django_db
def test_no_personal_value_reaches_the_logs_during_a_submission(client, caplog):
    caplog.set_level(logging.DEBUG)
    referral = draft()
    client.force_login(referral.created_by)
    personal = [
        referral.legal_name,
        referral.date_of_birth.isoformat(),
        referral.phone,
        referral.email,
        referral.narrative[:20],
        referral.address.splitlines()[0],
    ]
    response = client.post(
        f"/referrals/{referral.public_id}/edit/person/",
        {
            "legal_name": referral.legal_name,
            "date_of_birth": "31/31/1990",  # invalid: the error path must not log it either
            "phone": referral.phone,
            "email": referral.email,
        },
    )
    assert response.status_code == 400
    response = client.post(
        f"/referrals/{referral.public_id}/review/", {"version": referral.version}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    logged = "\n".join(f"{record.getMessage()} {record.__dict__}" for record in caplog.records)
    assert "referral submitted" in logged
    for value in personal:
        assert value not in logged


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_sequential_references():
    user = UserFactory()
    drafts = [draft(user) for _ in range(6)]
    barrier = threading.Barrier(len(drafts))
    errors = []

    def submit(referral):
        try:
            barrier.wait(timeout=10)
            services.submit_referral(referral=referral, user=user)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    year = timezone.localdate().year
    references = sorted(Referral.objects.values_list("reference", flat=True))
    assert references == [f"VC-{year}-{n:06d}" for n in range(1, 7)]

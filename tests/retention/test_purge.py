"""Retention: a referral's personal data is purged exactly when its retention period after its
final state ends, never under a legal hold, never while it is open; nothing personal is left in
the database or on disk; a second run does nothing."""

import datetime

import pytest
from celery.schedules import crontab
from django.db import connection

from referral_portal.fields import encrypted_fields_of
from referrals.models import Attachment, InformationRequest, Referral, ReferralEvent
from retention import services, tasks
from retention.models import PurgeRecord
from tests.confirmations import helpers
from tests.referrals import builders
from tests.retention import cases
from tests.retention.cases import days

pytestmark = pytest.mark.django_db

# In UTC: a period is whole 24-hour days, so adding days must not follow New York's clock
# changes (aware datetimes in a DST zone add wall-clock time).
START = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)
RETENTION = 2557  # the default, seven years
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _period(settings):
    settings.REFERRAL_RETENTION_DAYS = RETENTION
    settings.CONFIRMATIONS_APPEAL_PERIOD_DAYS = 30


def _purged(referral) -> bool:
    return Referral.objects.filter(pk=referral.pk, purged_at__isnull=False).exists()


def _run_at(time_machine, moment) -> int:
    time_machine.move_to(moment, tick=False)
    return services.purge_due_referrals()


def test_a_withdrawn_referral_is_purged_exactly_when_its_period_ends(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    end = START + days(RETENTION)

    assert _run_at(time_machine, end - SECOND) == 0
    assert not _purged(referral)
    assert _run_at(time_machine, end) == 1
    assert _purged(referral)
    record = PurgeRecord.objects.get(referral=referral)
    assert record.final_at == START and record.purged_at == end
    assert record.reference == referral.reference and record.status == "withdrawn"


def test_a_decline_counts_from_the_end_of_the_appeal_period(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.declined()
    end = START + days(30 + RETENTION)

    assert _run_at(time_machine, START + days(RETENTION)) == 0  # the appeal period first
    assert _run_at(time_machine, end - SECOND) == 0
    assert not _purged(referral)
    assert _run_at(time_machine, end) == 1
    assert _purged(referral)


def test_a_confirmation_waits_for_routing_to_close_then_counts_from_the_last_outcome(
    time_machine,
):
    time_machine.move_to(START, tick=False)
    referral = cases.confirmed_and_routed()
    assert referral.deliveries.exists()

    # No receiving agency has reported: the case is still being worked, however old.
    assert _run_at(time_machine, START + days(RETENTION * 3)) == 0
    assert not _purged(referral)

    time_machine.move_to(START + days(10), tick=False)
    cases.report_outcomes(referral)
    closed = START + days(10)
    assert _run_at(time_machine, START + days(RETENTION)) == 0  # not from the decision
    assert _run_at(time_machine, closed + days(RETENTION) - SECOND) == 0
    assert _run_at(time_machine, closed + days(RETENTION)) == 1
    assert _purged(referral)


@pytest.mark.parametrize(
    "status", ["draft", "submitted", "info_requested", "info_provided", "appealed"]
)
def test_open_referrals_and_drafts_are_never_purged(time_machine, status):
    time_machine.move_to(START, tick=False)
    referral = cases.appealed() if status == "appealed" else builders.in_state(status)

    assert _run_at(time_machine, START + days(RETENTION * 10)) == 0
    assert not _purged(referral)
    referral.refresh_from_db()
    assert referral.legal_name and referral.narrative


def test_a_legal_hold_stops_the_purge_until_it_is_lifted(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    administrator = helpers.administrator()
    services.place_legal_hold(referral=referral, actor=administrator, reason="Litigation hold")
    end = START + days(RETENTION)

    assert _run_at(time_machine, end + days(365)) == 0
    # Called directly, it refuses too.
    assert services.purge_referral(referral=referral) is None
    referral.refresh_from_db()
    assert referral.purged_at is None and referral.legal_name and referral.narrative
    assert all(cases.file_exists(a.stored_name) for a in referral.attachments.all())

    services.lift_legal_hold(referral=referral, actor=administrator, reason="Matter closed")
    assert _run_at(time_machine, end + days(366)) == 1
    assert _purged(referral)


def test_after_the_purge_no_ciphertext_or_personal_value_is_left_in_any_table(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.confirmed_and_routed()
    time_machine.move_to(START + days(1), tick=False)
    cases.report_outcomes(referral)
    referral.refresh_from_db()
    plain = {
        name: str(getattr(referral, name))
        for name in (
            "agency_case_number",
            "industry_other",
            "services_other",
            "country_of_birth",
            "preferred_language_other",
        )
    }
    marker = cases.ciphertext_marker()
    before = cases.rows_containing(marker)
    # The check can see: ciphertext is in the referral, its requests, events, files' names,
    # decision and consultation notes and the outcome note; the plain values are in history too.
    for table in (
        "referrals_referral",
        "referrals_informationrequest",
        "referrals_attachment",
        "referrals_referralevent",
        "confirmations_decision",
        "confirmations_consultation",
        "routing_outcomereport",
    ):
        assert table in before, table
    assert "referrals_referralhistory" in cases.rows_containing(plain["industry_other"])
    # The case number and the country of birth are encrypted: in clear nowhere, even before.
    for name in ("agency_case_number", "country_of_birth"):
        assert cases.rows_containing(plain[name]) == {}, name

    assert _run_at(time_machine, START + days(1 + RETENTION)) == 1

    # Staff authenticator secrets are sealed the same way; they are not about the person.
    assert cases.rows_containing(marker).keys() - {"mfa_authenticator"} == set()
    for value in plain.values():
        assert cases.rows_containing(value) == {}, value
    with connection.cursor() as cursor:
        columns = ", ".join(
            connection.ops.quote_name(f.column) for f in encrypted_fields_of(Referral)
        )
        cursor.execute(
            f"SELECT {columns}, name_index, dob_index FROM referrals_referral WHERE id = %s",  # noqa: S608
            [referral.pk],
        )
        assert all(value in ("", None) for value in cursor.fetchone())
    referral.refresh_from_db()
    assert not referral.possible_duplicates.exists()
    # What stays is statistics.
    assert referral.status == "confirmed" and referral.decided_at and referral.labor_trafficking
    assert referral.county_of_residence.name == "Albany" and referral.organization_id
    assert referral.trafficking_counties.exists() and referral.reference


def test_attachments_and_notices_are_deleted_from_disk_and_counted(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.confirmed_and_routed()
    cases.report_outcomes(referral)
    names = [a.stored_name for a in referral.attachments.all()]
    notices = [n.stored_name for n in referral.notices.all()]
    assert len(names) == 2 and notices
    assert sorted(cases.stored_files()) == sorted(names + notices)

    assert _run_at(time_machine, START + days(RETENTION + 1)) == 1

    assert cases.stored_files() == []
    record = PurgeRecord.objects.get(referral=referral)
    assert (record.attachments_deleted, record.notices_deleted) == (2, len(notices))
    assert record.referral_fields_cleared >= 9
    # Attachment rows stay (kind, size, dates) without their file names.
    names_left = Attachment.objects.filter(referral=referral).values_list("original_name")
    assert set(names_left) == {("",)}
    question = InformationRequest.objects.get(referral=referral)
    assert (question.message, question.response) == ("", "")
    assert set(ReferralEvent.objects.filter(referral=referral).values_list("note", flat=True)) == {
        ""
    }


def test_a_second_run_does_nothing(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    end = START + days(RETENTION)
    assert _run_at(time_machine, end) == 1
    purged_at = Referral.objects.get(pk=referral.pk).purged_at
    history = referral.history.count()

    assert _run_at(time_machine, end + days(1)) == 0
    assert services.purge_referral(referral=referral) is None

    assert PurgeRecord.objects.filter(referral=referral).count() == 1
    assert Referral.objects.get(pk=referral.pk).purged_at == purged_at
    assert referral.history.count() == history


def test_purge_records_hold_no_personal_data_and_cannot_be_changed(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    values = [referral.legal_name, referral.narrative, referral.address, referral.phone]
    _run_at(time_machine, START + days(RETENTION))
    record = PurgeRecord.objects.get(referral=referral)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT row_to_json(r)::text FROM retention_purgerecord r WHERE id = %s", [record.pk]
        )
        row = cursor.fetchone()[0]
    assert not any(value in row for value in values)
    with pytest.raises(Exception, match="Cannot"):
        PurgeRecord.objects.filter(pk=record.pk).update(notices_deleted=0)


def test_the_retention_period_comes_from_the_setting(time_machine, settings):
    settings.REFERRAL_RETENTION_DAYS = 90
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()

    assert _run_at(time_machine, START + days(90) - SECOND) == 0
    assert _run_at(time_machine, START + days(90)) == 1
    assert _purged(referral)


def test_the_beat_task_purges_daily(time_machine, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-purge-referrals"]
    assert entry["task"] == tasks.purge_expired_referrals.name
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {2}

    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    time_machine.move_to(START + days(RETENTION), tick=False)
    tasks.purge_expired_referrals.apply()
    assert _purged(referral)


def test_links_to_possible_duplicates_go_with_the_personal_data(time_machine):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()
    later = builders.submitted(legal_name=referral.legal_name, date_of_birth=referral.date_of_birth)
    assert list(later.possible_duplicates.all()) == [referral]

    assert _run_at(time_machine, START + days(RETENTION)) == 1

    assert not later.possible_duplicates.exists()
    assert PurgeRecord.objects.get(referral=referral).duplicate_links_removed == 1
    later.refresh_from_db()
    assert later.legal_name == referral.legal_name and later.purged_at is None


def test_files_of_a_purged_referral_are_gone_for_everyone_with_a_404(time_machine, client):
    time_machine.move_to(START, tick=False)
    referral = cases.confirmed_and_routed()
    cases.report_outcomes(referral)
    attachment = referral.attachments.first()
    notice = referral.notices.first()
    assert _run_at(time_machine, START + days(RETENTION + 1)) == 1
    client.force_login(referral.submitted_by)

    assert client.get(f"/referrals/files/{attachment.public_id}/").status_code == 404
    assert client.get(f"/referrals/notices/{notice.public_id}/").status_code == 404

"""Drafts untouched for 30 days are deleted with their files; their author gets one e-mail
7 days before (dates and a link, nothing about the person)."""

import datetime

import pytest
from celery.schedules import crontab
from django.core import mail

from referral_portal.models import OutboxMessage
from referrals import services
from referrals.models import Referral
from retention import drafts, tasks
from retention import services as retention_services
from retention.models import DraftDeletion, DraftWarning
from tests.confirmations import helpers
from tests.retention import cases
from tests.retention.cases import days

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 4, 14, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.REFERRAL_DRAFT_RETENTION_DAYS = 30
    settings.REFERRAL_DRAFT_WARNING_DAYS = 7


@pytest.fixture
def draft(time_machine):
    time_machine.move_to(START, tick=False)
    return cases.draft_with_attachment()


@pytest.fixture
def run_at(time_machine, django_capture_on_commit_callbacks, drain_outbox):
    """Run the daily clean-up at `moment`, with after-commit work (file deletion) done, then
    the outbox, as a worker would."""

    def run(moment) -> dict[str, int]:
        time_machine.move_to(moment, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            result = retention_services.clean_up_drafts()
        drain_outbox()
        return result

    return run


def _warnings():
    return OutboxMessage.objects.filter(kind=drafts.WARNING_KIND)


def test_the_author_is_warned_once_at_23_days(time_machine, draft, run_at):
    assert run_at(START + days(23) - SECOND) == {"warned": 0, "deleted": 0}
    assert mail.outbox == []

    assert run_at(START + days(23)) == {"warned": 1, "deleted": 0}
    assert run_at(START + days(23) + datetime.timedelta(hours=1))["warned"] == 0
    assert run_at(START + days(29))["warned"] == 0

    assert _warnings().count() == 1
    assert [message.to for message in mail.outbox] == [[draft.created_by.email]]
    warning = DraftWarning.objects.get(draft=draft)
    assert warning.warned_at == START + days(23)
    assert warning.delete_after == START + days(30)


def test_the_draft_and_its_files_are_deleted_at_30_days(time_machine, draft, run_at):
    names = list(draft.attachments.values_list("stored_name", flat=True))
    assert names and all(cases.file_exists(name) for name in names)
    run_at(START + days(23))

    assert run_at(START + days(30) - SECOND)["deleted"] == 0
    assert Referral.objects.filter(pk=draft.pk).exists()
    assert run_at(START + days(30)) == {"warned": 0, "deleted": 1}

    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not any(cases.file_exists(name) for name in names)
    assert cases.stored_files() == []
    record = DraftDeletion.objects.get(draft_public_id=draft.public_id)
    assert record.author == draft.created_by and record.attachments_deleted == 1
    assert record.warned_at == START + days(23) and record.last_activity_at == START
    # The draft's change history keeps who started it and when, not what it said.
    assert cases.rows_containing(draft.agency_case_number) == {}
    assert cases.rows_containing(draft.industry_other) == {}


def test_the_e_mail_has_a_link_and_no_personal_data(time_machine, draft, run_at):
    run_at(START + days(23))

    [message] = mail.outbox
    text = f"{message.subject}\n{message.body}"
    assert f"/referrals/{draft.public_id}/" in message.body
    assert "May 4, 2026" in text and "June 3, 2026" in text  # started, to be deleted
    personal = [
        draft.legal_name,
        draft.other_names,
        draft.address,
        draft.phone,
        draft.email,
        draft.places,
        draft.narrative,
        draft.safe_contact_notes,
        draft.agency_case_number,
        draft.industry_other,
        draft.services_other,
        draft.country_of_birth,
        draft.date_of_birth.isoformat(),
        f"{draft.date_of_birth:%B %-d, %Y}",
        draft.attachments.get().original_name,
    ]
    for value in personal:
        assert value and value not in text, "personal data in the warning e-mail"
    # The outbox row carries the draft's id only.
    assert _warnings().get().payload == {"draft": str(draft.public_id)}


def test_a_draft_the_author_changes_after_the_warning_starts_over(time_machine, draft, run_at):
    run_at(START + days(23))
    time_machine.move_to(START + days(25), tick=False)
    draft.refresh_from_db()
    draft.narrative = cases.fake.paragraph()
    draft.save()  # as the wizard does when a step is saved

    assert run_at(START + days(30))["deleted"] == 0
    assert run_at(START + days(25 + 23) - SECOND)["warned"] == 0
    assert run_at(START + days(25 + 23))["warned"] == 1
    assert run_at(START + days(25 + 30))["deleted"] == 1
    assert len(mail.outbox) == 2


def test_attaching_a_file_counts_as_a_change(time_machine, draft, run_at):
    time_machine.move_to(START + days(20), tick=False)
    services.add_attachment(
        referral=draft, user=draft.created_by, kind="other", upload=cases.pdf_upload("report")
    )

    assert run_at(START + days(23))["warned"] == 0
    assert run_at(START + days(20 + 23))["warned"] == 1


def test_a_draft_is_never_deleted_without_the_full_warning(time_machine, draft, run_at):
    # The daily task did not run for weeks: the first run warns, and deletion waits 7 days.
    assert run_at(START + days(40)) == {"warned": 1, "deleted": 0}
    assert DraftWarning.objects.get(draft=draft).delete_after == START + days(47)
    assert run_at(START + days(47) - SECOND)["deleted"] == 0
    assert run_at(START + days(47))["deleted"] == 1


def test_a_draft_under_legal_hold_is_neither_warned_nor_deleted(time_machine, draft, run_at):
    retention_services.place_legal_hold(
        referral=draft, actor=helpers.administrator(), reason="Subpoena"
    )

    assert run_at(START + days(23)) == {"warned": 0, "deleted": 0}
    assert run_at(START + days(400)) == {"warned": 0, "deleted": 0}
    assert Referral.objects.filter(pk=draft.pk).exists()
    assert mail.outbox == []


def test_submitted_referrals_are_not_drafts(time_machine, run_at):
    time_machine.move_to(START, tick=False)
    referral = cases.withdrawn()

    assert run_at(START + days(400)) == {"warned": 0, "deleted": 0}
    assert Referral.objects.filter(pk=referral.pk).exists()


def test_the_beat_task_cleans_up_daily(time_machine, settings, draft):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-clean-up-drafts"]
    assert entry["task"] == tasks.clean_up_drafts.name
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {2}

    time_machine.move_to(START + days(23), tick=False)
    tasks.clean_up_drafts.apply()
    assert DraftWarning.objects.filter(draft=draft).exists()


def test_a_warning_about_an_earlier_spell_does_not_count(time_machine, draft, run_at):
    run_at(START + days(23))
    time_machine.move_to(START + days(25), tick=False)
    draft.refresh_from_db()
    draft.save()
    # The daily task next runs only when this new spell is 30 days old: the old warning is
    # about the earlier spell, so the author is warned again, and the draft kept 7 more days.
    assert run_at(START + days(25 + 30)) == {"warned": 1, "deleted": 0}
    assert run_at(START + days(25 + 37) - SECOND)["deleted"] == 0
    assert run_at(START + days(25 + 37))["deleted"] == 1


def test_a_longer_lifetime_set_later_keeps_drafts_already_warned(settings, draft, run_at):
    run_at(START + days(23))
    settings.REFERRAL_DRAFT_RETENTION_DAYS = 60

    assert run_at(START + days(30))["deleted"] == 0
    assert run_at(START + days(60))["deleted"] == 1

"""Each encrypted value is bound to its row (the row's public id is in the associated data):
ciphertext copied into the same column of another row does not decrypt there; values written
before the binding ("v1:") still read and are rewritten by reencrypt_fields; writes that have
no row (QuerySet.update, bulk_update) may only blank a value."""

import base64
import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from faker import Faker

from referral_portal import crypto
from referral_portal.fields import UnboundWrite
from referrals import services
from referrals.models import EventKind, Referral, ReferralEvent
from tests.referrals.builders import submitted

pytestmark = pytest.mark.django_db
fake = Faker("en_US")


def raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def copy_column(table, column, *, source, target):
    """What someone with write access to the database could do: move ciphertext across rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = (SELECT {column} FROM {table} WHERE id = %s) "  # noqa: S608
            "WHERE id = %s",
            [source.pk, target.pk],
        )


def write_v1(table, column, pk, plaintext):
    """A value as it was stored before row binding: bound to the column only."""
    stored = crypto.encrypt(plaintext, context=f"{table}.{column}")
    assert stored.startswith("v1:")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [stored, pk])  # noqa: S608
    return stored


@pytest.fixture
def two_referrals():
    return submitted(legal_name=fake.name()), submitted(legal_name=fake.name())


def test_a_name_copied_into_another_referral_does_not_decrypt_there(two_referrals):
    first, second = two_referrals
    copy_column("referrals_referral", "legal_name", source=first, target=second)

    assert raw("referrals_referral", "legal_name", second.pk) == raw(
        "referrals_referral", "legal_name", first.pk
    )
    moved = Referral.objects.get(pk=second.pk)
    with pytest.raises(crypto.DecryptionError):
        moved.legal_name  # noqa: B018 - reading is what fails
    assert Referral.objects.get(pk=first.pk).legal_name == first.legal_name


def test_a_timeline_note_copied_into_another_event_does_not_decrypt_there(two_referrals):
    first, second = two_referrals
    note = fake.sentence()
    source = services.record_event(referral=first, actor=None, kind=EventKind.ASSIGNED, note=note)
    target = services.record_event(referral=second, actor=None, kind=EventKind.ASSIGNED)

    copy_column("referrals_referralevent", "note", source=source, target=target)

    assert ReferralEvent.objects.get(pk=source.pk).note == note
    with pytest.raises(crypto.DecryptionError):
        ReferralEvent.objects.get(pk=target.pk).note  # noqa: B018


def test_a_value_from_before_row_binding_reads_and_reencrypt_fields_binds_it(
    two_referrals, settings
):
    referral, _ = two_referrals
    name = fake.name()
    write_v1("referrals_referral", "legal_name", referral.pk, name)
    assert Referral.objects.get(pk=referral.pk).legal_name == name

    output = StringIO()
    call_command("reencrypt_fields", stdout=output)

    assert "referrals_referral.legal_name: 1\n" in output.getvalue()
    stored = raw("referrals_referral", "legal_name", referral.pk)
    assert stored.startswith(f"v2:{settings.FIELD_ENCRYPTION_ACTIVE_KEY}:")
    settings.FIELD_ENCRYPTION_ACCEPT_V1 = False
    assert Referral.objects.get(pk=referral.pk).legal_name == name
    again = StringIO()
    call_command("reencrypt_fields", stdout=again)
    assert "0 values re-encrypted" in again.getvalue()


def test_values_from_before_row_binding_are_refused_once_accept_v1_is_off(two_referrals, settings):
    referral, _ = two_referrals
    write_v1("referrals_referral", "legal_name", referral.pk, fake.name())
    settings.FIELD_ENCRYPTION_ACCEPT_V1 = False

    with pytest.raises(crypto.DecryptionError):
        Referral.objects.get(pk=referral.pk).legal_name  # noqa: B018


def test_saving_an_instance_rewrites_a_value_from_before_row_binding(two_referrals):
    referral, _ = two_referrals
    name = fake.name()
    write_v1("referrals_referral", "legal_name", referral.pk, name)

    Referral.objects.get(pk=referral.pk).save(update_fields=["legal_name"])

    assert raw("referrals_referral", "legal_name", referral.pk).startswith("v2:")
    assert Referral.objects.get(pk=referral.pk).legal_name == name


def test_reencrypt_fields_leaves_a_moved_value_alone_and_reports_it(two_referrals, settings):
    first, second = two_referrals
    copy_column("referrals_referral", "legal_name", source=first, target=second)
    moved = raw("referrals_referral", "legal_name", second.pk)
    # A new active key: every value is read again, the moved one too.
    settings.FIELD_ENCRYPTION_KEYS = {
        **settings.FIELD_ENCRYPTION_KEYS,
        "rotated": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    }
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "rotated"

    output, errors = StringIO(), StringIO()
    call_command("reencrypt_fields", stdout=output, stderr=errors)

    assert errors.getvalue() == (
        "referrals_referral.legal_name: 1 values could not be decrypted and were left as they are\n"
    )
    assert raw("referrals_referral", "legal_name", second.pk) == moved
    assert raw("referrals_referral", "legal_name", first.pk).startswith("v2:rotated:")
    assert first.legal_name not in output.getvalue() + errors.getvalue()


def test_update_and_bulk_update_may_blank_encrypted_values_but_not_write_them(two_referrals):
    referral, _ = two_referrals
    rows = Referral.objects.filter(pk=referral.pk)

    with pytest.raises(UnboundWrite), transaction.atomic():
        rows.update(legal_name=fake.name())
    referral.narrative = fake.paragraph()
    with pytest.raises(UnboundWrite), transaction.atomic():
        Referral.objects.bulk_update([referral], ["narrative"])

    assert rows.update(legal_name="", date_of_birth=None) == 1
    assert raw("referrals_referral", "legal_name", referral.pk) == ""
    assert raw("referrals_referral", "date_of_birth", referral.pk) is None


def test_a_page_showing_a_moved_value_says_the_record_could_not_be_read(client, two_referrals):
    first, second = two_referrals
    copy_column("referrals_referral", "legal_name", source=first, target=second)
    client.force_login(second.created_by)

    response = client.get(f"/referrals/{second.public_id}/")

    assert response.status_code == 409
    page = response.content.decode()
    assert "This record could not be read" in page
    assert first.legal_name.replace("'", "&#x27;") not in page
    assert first.legal_name not in page

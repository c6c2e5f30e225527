"""Encrypted model fields, the blind index, and key rotation (reencrypt_fields)."""

import base64
import datetime
import os
from io import StringIO

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from referral_portal import crypto, private_storage
from referrals.models import Attachment, Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def raw(referral, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM referrals_referral WHERE id = %s", [referral.pk])  # noqa: S608
        return cursor.fetchone()[0]


@pytest.fixture
def referral():
    user = UserFactory()
    return Referral.objects.create(
        organization=user.organization,
        created_by=user,
        legal_name="María José O'Brien",
        narrative="Worked 16-hour days without pay.",
        date_of_birth=datetime.date(1990, 2, 28),
    )


def test_values_round_trip_and_the_row_holds_only_ciphertext(referral, settings):
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.legal_name == "María José O'Brien"
    assert fresh.date_of_birth == datetime.date(1990, 2, 28)
    for column, plaintext in [
        ("legal_name", "O'Brien"),
        ("narrative", "16-hour"),
        ("date_of_birth", "1990"),
    ]:
        stored = raw(referral, column)
        assert stored.startswith(f"v2:{settings.FIELD_ENCRYPTION_ACTIVE_KEY}:")
        assert plaintext not in stored
        assert plaintext not in base64.b64decode(stored.split(":", 2)[2]).decode("latin-1")


def test_blank_values_stay_blank_and_a_missing_date_is_null(referral):
    assert raw(referral, "other_names") == ""
    referral.date_of_birth = None
    referral.save()
    assert raw(referral, "date_of_birth") is None
    assert Referral.objects.get(pk=referral.pk).date_of_birth is None


def test_the_same_value_encrypts_differently_each_time(referral):
    first = raw(referral, "legal_name")
    referral.save()
    assert raw(referral, "legal_name") != first


def test_ciphertext_moved_to_another_column_does_not_decrypt(referral):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE referrals_referral SET other_names = legal_name WHERE id = %s", [referral.pk]
        )
    fresh = Referral.objects.get(pk=referral.pk)
    with pytest.raises(crypto.DecryptionError):
        fresh.other_names  # noqa: B018 - reading is what fails


def test_lookups_on_encrypted_fields_are_refused_except_isnull(referral):
    with pytest.raises(FieldError):
        list(Referral.objects.filter(legal_name="María José O'Brien"))
    with pytest.raises(FieldError):
        list(Referral.objects.filter(narrative__icontains="pay"))
    assert Referral.objects.filter(date_of_birth__isnull=False).count() == 1


def test_the_blind_index_ignores_case_accents_and_unicode_form():
    nfc = "Jos\u00e9 P\u00e9rez"
    nfd = "Jose\u0301 Pe\u0301rez"
    assert crypto.blind_index(nfc, purpose="name") == crypto.blind_index(nfd, purpose="name")
    assert crypto.blind_index("JOSE  perez", purpose="name") == crypto.blind_index(
        nfc, purpose="name"
    )
    assert crypto.blind_index(nfc, purpose="name") != crypto.blind_index(nfc, purpose="dob")


def test_reencrypt_fields_moves_every_value_and_file_to_the_active_key(
    referral, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path
    attachment = Attachment(
        referral=referral,
        kind="other",
        original_name="scan.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=referral.created_by,
    )
    attachment.stored_name = private_storage.save_encrypted(
        b"%PDF-1.4\n", context=attachment.storage_context
    )
    attachment.save()
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.FIELD_ENCRYPTION_KEYS = {**settings.FIELD_ENCRYPTION_KEYS, "rotated": new_key}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "rotated"

    output = StringIO()
    call_command("reencrypt_fields", stdout=output)

    assert raw(referral, "legal_name").startswith("v2:rotated:")
    assert raw(referral, "date_of_birth").startswith("v2:rotated:")
    assert "referrals_referral.legal_name: 1" in output.getvalue()
    assert "referrals_attachment files: 1" in output.getvalue()
    # The old key can now go: everything still reads.
    settings.FIELD_ENCRYPTION_KEYS = {"rotated": new_key}
    fresh = Referral.objects.get(pk=referral.pk)
    assert fresh.legal_name == "María José O'Brien"
    assert Attachment.objects.get(pk=attachment.pk).original_name == "scan.pdf"
    assert (
        private_storage.read_decrypted(attachment.stored_name, context=attachment.storage_context)
        == b"%PDF-1.4\n"
    )
    # Running it again changes nothing.
    again = StringIO()
    call_command("reencrypt_fields", stdout=again)
    assert "0 values re-encrypted" in again.getvalue()

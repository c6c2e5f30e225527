"""Encrypted private files behave the same on this machine's disk and in an S3-compatible bucket
(moto's server standing in for MinIO or a cloud bucket): round trip, ciphertext only at rest, a
missing file, delete and exists, key rotation, and an attachment from the wizard to a reviewer."""

import base64
import os

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from referral_portal import crypto, private_storage
from referral_portal.roles import Role
from referrals import services
from referrals.models import Attachment
from tests.factories import UserFactory
from tests.referrals import files
from tests.referrals.builders import draft

pytest_plugins = ["tests.s3"]  # the S3 server and bucket fixtures
CONTEXT = "attachment:00000000-0000-0000-0000-000000000001"
PLAINTEXT = b"%PDF-1.4\nSigned consent of the person referred\n"


class OnDisk:
    def __init__(self, root):
        self.root = root

    def raw(self, name: str) -> bytes:
        return (self.root / name[:2] / name).read_bytes()

    def count(self) -> int:
        return sum(1 for path in self.root.rglob("*") if path.is_file())


class InBucket:
    def __init__(self, bucket):
        self.bucket = bucket

    def raw(self, name: str) -> bytes:
        return self.bucket.raw(name)

    def count(self) -> int:
        return len(self.bucket.object_keys())


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings, tmp_path):
    if request.param == "filesystem":
        settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
        assert type(storages["private"]).__name__ == "PrivateFileSystemStorage"
        return OnDisk(settings.PRIVATE_STORAGE_ROOT)
    bucket = request.getfixturevalue("s3_private_storage")
    assert type(storages["private"]).__name__ == "S3Storage"
    return InBucket(bucket)


def test_a_file_comes_back_as_it_was_stored(backend):
    name = private_storage.save_encrypted(PLAINTEXT, context=CONTEXT)

    assert private_storage.read_decrypted(name, context=CONTEXT) == PLAINTEXT
    assert private_storage.exists(name) is True
    assert backend.count() == 1


def test_only_ciphertext_leaves_the_portal(backend, settings):
    name = private_storage.save_encrypted(PLAINTEXT, context=CONTEXT)

    raw = backend.raw(name)
    assert raw.startswith(f"v1:{settings.FIELD_ENCRYPTION_ACTIVE_KEY}:".encode())
    assert b"%PDF" not in raw and b"Signed consent" not in raw
    # Bound to its record: read as another record's file, it does not decrypt.
    with pytest.raises(crypto.DecryptionError):
        private_storage.read_decrypted(name, context="attachment:another")


def test_a_missing_file_is_reported_as_missing(backend):
    absent = "0123456789abcdef0123456789abcdef"

    with pytest.raises(private_storage.StoredFileMissing):
        private_storage.read_decrypted(absent, context=CONTEXT)
    with pytest.raises(private_storage.StoredFileMissing):
        private_storage.read_decrypted("../../etc/passwd", context=CONTEXT)
    assert private_storage.exists(absent) is False


def test_a_deleted_file_is_gone_and_deleting_again_is_harmless(backend):
    name = private_storage.save_encrypted(PLAINTEXT, context=CONTEXT)

    private_storage.delete(name)
    private_storage.delete(name)

    assert private_storage.exists(name) is False
    with pytest.raises(private_storage.StoredFileMissing):
        private_storage.read_decrypted(name, context=CONTEXT)
    assert backend.count() == 0


def test_re_encryption_replaces_the_file_in_place_under_the_new_key(backend, settings):
    name = private_storage.save_encrypted(PLAINTEXT, context=CONTEXT)
    new_key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    settings.FIELD_ENCRYPTION_KEYS = {**settings.FIELD_ENCRYPTION_KEYS, "rotated": new_key}
    settings.FIELD_ENCRYPTION_ACTIVE_KEY = "rotated"

    assert private_storage.needs_reencryption(name) is True
    assert private_storage.reencrypt(name, context=CONTEXT) is True
    assert private_storage.reencrypt(name, context=CONTEXT) is False

    assert backend.raw(name).startswith(b"v1:rotated:")
    assert backend.count() == 1
    settings.FIELD_ENCRYPTION_KEYS = {"rotated": new_key}  # the old key can go
    assert private_storage.read_decrypted(name, context=CONTEXT) == PLAINTEXT


@pytest.mark.django_db
def test_an_attachment_from_the_wizard_reaches_the_reviewer_through_the_bucket(
    client, s3_private_storage
):
    referral = draft()
    original = files.pdf("Signed consent")
    client.force_login(referral.created_by)
    response = client.post(
        f"/referrals/{referral.public_id}/edit/attachments/",
        {
            "action": "upload",
            "kind": "consent_form",
            "file": SimpleUploadedFile("consent.pdf", original, "application/pdf"),
        },
    )
    assert response.status_code == 302
    services.submit_referral(referral=referral, user=referral.created_by)
    attachment = Attachment.objects.get(referral=referral)
    raw = s3_private_storage.raw(attachment.stored_name)
    assert b"%PDF" not in raw and b"Signed consent" not in raw

    client.force_login(UserFactory(role=Role.STATE_REVIEWER))
    download = client.get(f"/referrals/files/{attachment.public_id}/")

    assert download.status_code == 200
    # The upload is rebuilt before it is stored, so compare with what the bucket holds.
    stored = private_storage.read_decrypted(
        attachment.stored_name, context=attachment.storage_context
    )
    assert download.content == stored and stored.startswith(b"%PDF-")
    name = attachment.stored_name
    assert s3_private_storage.object_keys() == [f"{name[:2]}/{name}"]

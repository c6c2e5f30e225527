"""Encrypted files outside the web root (attachments, notices), behind Django's storage API.

Each file is sealed with AES-256-GCM (crypto.encrypt_bytes) under the active key, with the
caller's `context` (such as "attachment:<public id>") as associated data, so a file swapped for
another record's file does not decrypt. Names are random (128 bits) and say nothing about the
content; the original filename is kept, encrypted, on the model only.

Where the bytes live is the `private` entry of settings.STORAGES: a folder on this machine
(PrivateFileSystemStorage below) or, with several machines, an S3-compatible bucket. The portal
encrypts before the bytes leave it either way, so the bucket only ever holds ciphertext.
"""

import os
import re
import secrets
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages

from . import crypto

_NAME = re.compile(r"^[0-9a-f]{32}$")


class StoredFileMissing(Exception):
    pass


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder readable by the portal's user only, written atomically (temporary file, fsync,
    rename), so a reader never sees half a file and a re-encryption can replace one in place.
    The folder is settings.PRIVATE_STORAGE_ROOT, read on each use so tests can move it."""

    def __init__(self, **options):
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_STORAGE_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise NotImplementedError("private files are served only through the portal's views")

    def get_available_name(self, name, max_length=None):
        return name  # random names never collide; an existing name is replaced (re-encryption)

    def _save(self, name, content):
        path = self.path(name)
        directory = os.path.dirname(path)
        os.makedirs(directory, mode=self.directory_permissions_mode, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in content.chunks():
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        return name


def _storage():
    return storages["private"]


def _key(name: str) -> str:
    # The name comes from our own database, but check it anyway: no key can be built from
    # anything other than 32 hex characters, so "../" tricks are impossible.
    if not _NAME.match(name or ""):
        raise StoredFileMissing("invalid stored name")
    return f"{name[:2]}/{name}"


def _write(name: str, sealed: bytes) -> None:
    _storage().save(_key(name), ContentFile(sealed))


def _read(name: str) -> bytes:
    key = _key(name)
    storage = _storage()
    try:
        with storage.open(key, "rb") as handle:
            return handle.read()
    except FileNotFoundError as missing:
        raise StoredFileMissing("stored file not found") from missing
    except Exception as error:
        # Object stores answer a missing key in their own words: S3 (botocore's ClientError,
        # not an OSError) when the object goes between the existence check in open() and the
        # download. Whatever was raised, a key that is not there is a missing file.
        if not storage.exists(key):
            raise StoredFileMissing("stored file not found") from error
        raise


def save_encrypted(data: bytes, *, context: str) -> str:
    name = secrets.token_hex(16)
    _write(name, crypto.encrypt_bytes(data, context=context))
    return name


def read_decrypted(name: str, *, context: str) -> bytes:
    return crypto.decrypt_bytes(_read(name), context=context)


def needs_reencryption(name: str) -> bool:
    sealed = _read(name)[:80]
    return crypto.key_id_of(sealed.decode("latin-1")) != settings.FIELD_ENCRYPTION_ACTIVE_KEY


def reencrypt(name: str, *, context: str) -> bool:
    """Rewrite one file under the active key. Returns False if it already used that key."""
    sealed = _read(name)
    if crypto.key_id_of(sealed[:80].decode("latin-1")) == settings.FIELD_ENCRYPTION_ACTIVE_KEY:
        return False
    data = crypto.decrypt_bytes(sealed, context=context)
    _write(name, crypto.encrypt_bytes(data, context=context))
    return True


def delete(name: str) -> None:
    _storage().delete(_key(name))


def exists(name: str) -> bool:
    return _storage().exists(_key(name))

"""Encrypted files outside the web root (attachments, notices).

Each file is sealed with AES-256-GCM (crypto.encrypt_bytes) under the active key, with the
caller's `context` (such as "attachment:<public id>") as associated data, so a file swapped for
another record's file does not decrypt. Names are random (128 bits) and say nothing about the
content; the original filename is kept, encrypted, on the model only. Files are written to a
temporary name and renamed, so a reader never sees half a file.
"""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

from . import crypto

_NAME = re.compile(r"^[0-9a-f]{32}$")


class StoredFileMissing(Exception):
    pass


def _root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def _path(name: str) -> Path:
    # The name comes from our own database, but check it anyway: no path can be built from
    # anything other than 32 hex characters, so "../" tricks are impossible.
    if not _NAME.match(name or ""):
        raise StoredFileMissing("invalid stored name")
    return _root() / name[:2] / name


def save_encrypted(data: bytes, *, context: str) -> str:
    name = secrets.token_hex(16)
    path = _path(name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    sealed = crypto.encrypt_bytes(data, context=context)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(sealed)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return name


def read_decrypted(name: str, *, context: str) -> bytes:
    try:
        sealed = _path(name).read_bytes()
    except FileNotFoundError as missing:
        raise StoredFileMissing("stored file not found") from missing
    return crypto.decrypt_bytes(sealed, context=context)


def needs_reencryption(name: str) -> bool:
    sealed = _path(name).read_bytes()[:80]
    return crypto.key_id_of(sealed.decode("latin-1")) != settings.FIELD_ENCRYPTION_ACTIVE_KEY


def reencrypt(name: str, *, context: str) -> bool:
    """Rewrite one file under the active key. Returns False if it already used that key."""
    if not needs_reencryption(name):
        return False
    path = _path(name)
    sealed = path.read_bytes()
    data = crypto.decrypt_bytes(sealed, context=context)
    temporary = path.with_suffix(".part")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(crypto.encrypt_bytes(data, context=context))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return True


def delete(name: str) -> None:
    _path(name).unlink(missing_ok=True)


def exists(name: str) -> bool:
    return _path(name).exists()

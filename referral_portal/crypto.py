"""Field encryption (AES-256-GCM) and keyed blind indexes.

Stored form: "v1:<key id>:<base64 nonce+ciphertext>". The key id lets keys rotate: new values
use FIELD_ENCRYPTION_ACTIVE_KEY, old values decrypt with whichever key wrote them, and
`manage.py reencrypt_fields` rewrites everything under the active key. Associated data binds a
value to its column so ciphertext cannot be moved between columns.
"""

import base64
import hashlib
import hmac
import os
import re
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class DecryptionError(Exception):
    pass


def _key(key_id: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(settings.FIELD_ENCRYPTION_KEYS[key_id])
    except KeyError as missing:
        raise DecryptionError("unknown key id") from missing


def encrypt(plaintext: str, *, context: str) -> str:
    key_id = settings.FIELD_ENCRYPTION_ACTIVE_KEY
    nonce = os.urandom(12)
    sealed = AESGCM(_key(key_id)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def decrypt(stored: str, *, context: str) -> str:
    try:
        prefix, key_id, body = stored.split(":", 2)
        if prefix != PREFIX:
            raise DecryptionError("unknown format")
        raw = base64.b64decode(body)
        return AESGCM(_key(key_id)).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except DecryptionError:
        raise
    except Exception as error:  # noqa: BLE001 - never echo the value in the message
        raise DecryptionError("value could not be decrypted") from error


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    key_id = settings.FIELD_ENCRYPTION_ACTIVE_KEY
    nonce = os.urandom(12)
    sealed = AESGCM(_key(key_id)).encrypt(nonce, data, context.encode())
    return f"{PREFIX}:{key_id}:".encode() + nonce + sealed


def decrypt_bytes(stored: bytes, *, context: str) -> bytes:
    try:
        prefix, key_id, body = stored.split(b":", 2)
        if prefix.decode() != PREFIX:
            raise DecryptionError("unknown format")
        return AESGCM(_key(key_id.decode())).decrypt(body[:12], body[12:], context.encode())
    except DecryptionError:
        raise
    except Exception as error:  # noqa: BLE001
        raise DecryptionError("file could not be decrypted") from error


def normalize(text: str) -> str:
    """Case-, accent- and spacing-insensitive form: NFC and NFD "José" give the same index."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", stripped.casefold()).strip()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash to find equal values without decrypting. Separate key from encryption."""
    key = base64.urlsafe_b64decode(settings.BLIND_INDEX_KEY) + purpose.encode()
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()[:32]

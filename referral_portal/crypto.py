"""Field encryption (AES-256-GCM) and keyed blind indexes.

Stored form: "<version>:<key id>:<base64 nonce+ciphertext>". The key id lets keys rotate: new
values use FIELD_ENCRYPTION_ACTIVE_KEY, old values decrypt with whichever key wrote them, and
`manage.py reencrypt_fields` rewrites everything under the active key. The associated data
(`context`) says where a value belongs, so it decrypts nowhere else; the version says which
context the caller must give: "v1" for files and MFA secrets (their contexts already name their
owner) and for the encrypted columns written before row binding ("<table>.<column>"), "v2" for
encrypted columns bound to their row ("<table>.<column>.<public id>", referral_portal.fields).

Blind indexes rotate too (docs/key-rotation.md): BLIND_INDEX_KEYS maps key ids to keys and
BLIND_INDEX_ACTIVE_KEY names the one new indexes use; the single BLIND_INDEX_KEY is the key with
the empty id, the form every deployment had before rotation existed. A lookup computes the index
under every configured key, so rows indexed under the previous key are still found while
`manage.py reindex_blind_indexes` moves them to the active one.
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
ROW_BOUND = "v2"
VERSIONS = (PREFIX, ROW_BOUND)
# What encrypt() writes; used to find the values to re-encrypt inside JSON (allauth's data).
SEALED = re.compile(rf"(?:{'|'.join(VERSIONS)}):[A-Za-z0-9_-]+:[A-Za-z0-9+/]+=*")
BLIND_INDEX_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,16}")


class DecryptionError(Exception):
    pass


def _key(key_id: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(settings.FIELD_ENCRYPTION_KEYS[key_id])
    except KeyError as missing:
        raise DecryptionError("unknown key id") from missing


def encrypt(plaintext: str, *, context: str, version: str = PREFIX) -> str:
    key_id = settings.FIELD_ENCRYPTION_ACTIVE_KEY
    nonce = os.urandom(12)
    sealed = AESGCM(_key(key_id)).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{version}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def version_of(stored: str) -> str:
    return stored.split(":", 1)[0]


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def is_sealed(value) -> bool:
    return isinstance(value, str) and SEALED.fullmatch(value) is not None


def decrypt(stored: str, *, context: str, version: str = PREFIX) -> str:
    try:
        prefix, key_id, body = stored.split(":", 2)
        if prefix != version:
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


def blind_index_keys() -> dict[str, str]:
    """Every configured blind-index key by id; the single BLIND_INDEX_KEY has the id ""."""
    keys = dict(settings.BLIND_INDEX_KEYS or {})
    single = settings.BLIND_INDEX_KEY
    if single:
        keys[""] = single
    return keys


def active_blind_index_key_id() -> str:
    if settings.BLIND_INDEX_KEYS:
        return settings.BLIND_INDEX_ACTIVE_KEY
    return ""


def _blind_key(key_id: str, purpose: str) -> bytes:
    return base64.urlsafe_b64decode(blind_index_keys()[key_id]) + purpose.encode()


def keyed_hash_key(purpose: str) -> bytes:
    """The active blind-index key, separated by purpose, for other keyed hashes (sign-in
    failure counts, invitation usernames): values that need to stay equal for minutes, not
    across a rotation."""
    return _blind_key(active_blind_index_key_id(), purpose)


def _index(key: bytes, value: str) -> str:
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()[:32]


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash to find equal values without decrypting, under the active blind-index key
    (whose id the row keeps beside it). Separate key from encryption."""
    return _index(keyed_hash_key(purpose), value)


def blind_index_candidates(value: str, *, purpose: str) -> list[str]:
    """The index of `value` under every configured key, the active one first: what a lookup
    matches, so rows not yet reindexed after a rotation are still found."""
    active = active_blind_index_key_id()
    ids = [active, *sorted(key_id for key_id in blind_index_keys() if key_id != active)]
    return list(dict.fromkeys(_index(_blind_key(key_id, purpose), value) for key_id in ids))

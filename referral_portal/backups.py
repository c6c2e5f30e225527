"""Backups of the private files (attachments, notices) and the description of a backup.

A backup folder holds:
  database.dump          pg_dump --format=custom, written by scripts/backup.sh
  private/               every object of storages["private"], under its own name
  private-manifest.json  name, size, SHA-256 and key id of each object
  backup.json            when, which code, which migrations, which key ids (never key material)

Consistency without stopping the portal: the database is dumped FIRST (pg_dump reads one
snapshot) and the files are copied AFTER. A stored file is always complete before the row that
names it is committed (private_storage writes the file, then the row), so every row in the dump
already had its file when the copy began. Files written later are copied too and are harmless
orphans in a restore. The one gap: a file deleted between the dump and the copy (a draft's
attachment removed, a referral purged under the retention rules), whose row is in the dump;
`restore_private_files` lists such rows after a restore. Re-encryption rewrites a file in place
under the same name; the copy then holds the new ciphertext, readable while both keys are kept.

The files are ciphertext sealed by the portal (AES-256-GCM) before storage, so a backup holds no
plaintext file and no key; restoring needs the same FIELD_ENCRYPTION_KEYS.
"""

import hashlib
import json
import posixpath
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from . import crypto
from .fields import encrypted_fields_of

FOLDER = "private"
MANIFEST = "private-manifest.json"
DESCRIPTION = "backup.json"
DUMP = "database.dump"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def private_storage():
    return storages["private"]


def stored_names(storage, folder=""):
    """Every object name in the storage, walking listdir (filesystem folders and S3 prefixes)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # the folder storage before its first file
        return
    for name in sorted(files):
        # PrivateFileSystemStorage writes "<random>.part" and renames it when complete; a row
        # naming the file is committed only after that rename, so a .part file is never needed.
        if not name.endswith(".part"):
            yield posixpath.join(folder, name) if folder else name
    for directory in sorted(directories):
        yield from stored_names(storage, posixpath.join(folder, directory) if folder else directory)


def is_empty(storage) -> bool:
    return next(stored_names(storage), None) is None


def _inside(root: Path, name: str) -> Path:
    # Names come from the storage listing or our own manifest; still, never write outside root.
    path = (root / name).resolve()
    if root.resolve() not in path.parents:
        raise BackupError(f"unexpected object name {name!r}")
    return path


def _key_id(head: bytes):
    if head.startswith(f"{crypto.PREFIX}:".encode()) and head.count(b":") >= 2:
        return crypto.key_id_of(head.decode("latin-1"))
    return None


def _sha256_of(handle) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    while chunk := handle.read(CHUNK):
        if size == 0:
            head = chunk[:80]
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size, head


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    path.chmod(0o600)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except FileNotFoundError as missing:
        raise BackupError(f"{path.name} is missing: not a complete backup") from missing


def back_up_files(destination: Path, storage=None) -> dict:
    """Copy every object into destination/private/ and write the manifest. Returns it."""
    storage = storage or private_storage()
    root = destination / FOLDER
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty")
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    entries, vanished = [], 0
    for name in stored_names(storage):
        target = _inside(root, name)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        try:
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                target.chmod(0o600)
                while chunk := source.read(CHUNK):
                    head = head or chunk[:80]
                    digest.update(chunk)
                    size += len(chunk)
                    copy.write(chunk)
        except Exception:
            # Deleted since the listing (S3 says so with botocore's ClientError, not an OSError):
            # skipped. Anything else, with the object still there, is a real failure.
            if storage.exists(name):
                raise
            target.unlink(missing_ok=True)
            vanished += 1
            continue
        entries.append(
            {"name": name, "size": size, "sha256": digest.hexdigest(), "key_id": _key_id(head)}
        )
    manifest = {
        "format": FORMAT,
        "storage": settings.STORAGES["private"]["BACKEND"],
        "count": len(entries),
        "bytes": sum(entry["size"] for entry in entries),
        "vanished_during_copy": vanished,
        "files": entries,
    }
    _write_json(destination / MANIFEST, manifest)
    return manifest


def _damaged_files(source: Path, manifest: dict) -> list[str]:
    damaged = []
    for entry in manifest["files"]:
        try:
            with _inside(source / FOLDER, entry["name"]).open("rb") as handle:
                digest, size, _ = _sha256_of(handle)
        except FileNotFoundError:
            digest, size = None, None
        if (digest, size) != (entry["sha256"], entry["size"]):
            damaged.append(entry["name"])
    return damaged


def verify_backup(source: Path, storage=None) -> dict:
    """Everything a restore can check before it writes anything: the dump's and every file's
    hash, that the configured keys include every key id the backup needs, and that the private
    storage is empty. Raises BackupError with the first problem found."""
    storage = storage or private_storage()
    description = _read_json(source / DESCRIPTION)
    manifest = _read_json(source / MANIFEST)
    if manifest.get("format") != FORMAT or description.get("format") != FORMAT:
        raise BackupError("unknown backup format")
    try:
        with (source / DUMP).open("rb") as handle:
            dump_sha256 = _sha256_of(handle)[0]
    except FileNotFoundError as missing:
        raise BackupError(f"{DUMP} is missing: not a complete backup") from missing
    if dump_sha256 != description["database"]["sha256"]:
        raise BackupError(f"{DUMP} does not match the SHA-256 recorded in {DESCRIPTION}")
    damaged = _damaged_files(source, manifest)
    if damaged:
        raise BackupError(
            f"{len(damaged)} file(s) missing or changed in the backup, e.g. {damaged[0]}"
        )
    needed = set(description["key_ids"]["in_database"]) | set(description["key_ids"]["in_files"])
    unknown = sorted(needed - set(settings.FIELD_ENCRYPTION_KEYS))
    if unknown:
        raise BackupError(
            f"the backup needs encryption key id(s) {', '.join(unknown)}, which are not in "
            "FIELD_ENCRYPTION_KEYS: configure the keys the backup was made with"
        )
    if not is_empty(storage):
        raise BackupError("the private storage already holds files: restore into an empty one")
    return manifest


def restore_files(source: Path, storage=None) -> dict:
    """Write every file of a verified backup through the storage API, then read each one back
    and compare its hash."""
    storage = storage or private_storage()
    manifest = verify_backup(source, storage)
    for entry in manifest["files"]:
        with _inside(source / FOLDER, entry["name"]).open("rb") as handle:
            saved = storage.save(entry["name"], File(handle, name=entry["name"]))
        if saved != entry["name"]:
            raise BackupError(f"the storage renamed {entry['name']} to {saved}")
    for entry in manifest["files"]:
        with storage.open(entry["name"], "rb") as handle:
            if _sha256_of(handle)[0] != entry["sha256"]:
                raise BackupError(f"{entry['name']} reads back different from the backup")
    return manifest


def _has_stored_files(model) -> bool:
    names = {field.name for field in model._meta.concrete_fields}
    return "stored_name" in names and hasattr(model, "storage_context")


def _still_has_files(model):
    """Rows whose file should exist: a purged referral's files are deleted on purpose."""
    rows = model._default_manager.exclude(stored_name="")
    referral = next((f for f in model._meta.concrete_fields if f.name == "referral"), None)
    if referral is not None and any(
        f.name == "purged_at" for f in referral.related_model._meta.concrete_fields
    ):
        rows = rows.filter(referral__purged_at__isnull=True)
    return rows


def rows_without_files(storage=None) -> dict[str, list[int]]:
    """{table: [primary keys]} of rows naming a stored file that the storage does not hold."""
    storage = storage or private_storage()
    present = {posixpath.basename(name) for name in stored_names(storage)}
    missing = {}
    for model in apps.get_models():
        if _has_stored_files(model):
            rows = _still_has_files(model).values_list("pk", "stored_name")
            absent = [pk for pk, name in rows.iterator() if name not in present]
            if absent:
                missing[model._meta.db_table] = absent
    return missing


def _key_ids_in_database() -> list[str]:
    found = set()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in encrypted_fields_of(model):
                table, column = quote(model._meta.db_table), quote(field.column)
                cursor.execute(
                    f"SELECT DISTINCT split_part({column}, ':', 2) FROM {table} "  # noqa: S608
                    f"WHERE {column} LIKE ANY(%s)",
                    [[f"{version}:%" for version in crypto.VERSIONS]],
                )
                found.update(row[0] for row in cursor.fetchall())
    # allauth keeps each authenticator's secret in a JSON document, encrypted by the portal's
    # MFA adapter with the same keys.
    if apps.is_installed("allauth.mfa"):
        for data in apps.get_model("mfa", "Authenticator").objects.values_list("data", flat=True):
            for value in (data or {}).values():
                if isinstance(value, str) and value.startswith(f"{crypto.PREFIX}:"):
                    found.add(crypto.key_id_of(value))
    return sorted(found)


def _applied_migrations() -> dict[str, list[str]]:
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def describe(destination: Path, *, commit: str) -> dict:
    """Write backup.json. Key ids only: no key, no secret, nothing personal."""
    manifest = _read_json(destination / MANIFEST)
    with (destination / DUMP).open("rb") as handle:
        dump_sha256, dump_size, _ = _sha256_of(handle)
    description = {
        "format": FORMAT,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "database": {"file": DUMP, "bytes": dump_size, "sha256": dump_sha256},
        "private_files": {
            "manifest": MANIFEST,
            "count": manifest["count"],
            "bytes": manifest["bytes"],
        },  # fmt: skip
        "migrations": _applied_migrations(),
        "key_ids": {
            "active": settings.FIELD_ENCRYPTION_ACTIVE_KEY,
            "configured": sorted(settings.FIELD_ENCRYPTION_KEYS),
            "in_database": _key_ids_in_database(),
            "in_files": sorted({e["key_id"] for e in manifest["files"] if e["key_id"]}),
        },
    }
    _write_json(destination / DESCRIPTION, description)
    return description

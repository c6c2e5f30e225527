"""Rewrite every encrypted value (and stored file) under FIELD_ENCRYPTION_ACTIVE_KEY.

Encrypted columns are also rewritten in the row-bound format ("v2:", bound to the row's public
id; referral_portal.fields), so values written before that binding ("v1:") are upgraded by the
same run, whatever key they are under. A value that does not decrypt where it is (copied from
another row, or "v1:" while FIELD_ENCRYPTION_ACCEPT_V1 is off) is left as it is and counted on
stderr, by column, for someone to look into.

Key rotation: add the new key to FIELD_ENCRYPTION_KEYS, make it FIELD_ENCRYPTION_ACTIVE_KEY,
deploy, run this command, and only then remove the old key. Values already under the active
key are left alone, so the command can be stopped and run again. Each row is updated only if
it still holds the value that was read (no lost update against a concurrent save). Nothing
decrypted is printed: output is counts per table and column.

allauth keeps the MFA secrets (the TOTP secret, the recovery-code seed, codes migrated from
elsewhere) inside Authenticator.data, encrypted through the MFA adapter: every sealed string in
that JSON is rewritten too, through the same adapter, whatever the authenticator's type.
"""

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from referral_portal import crypto, private_storage
from referral_portal.fields import ROW_ID, encrypted_fields_of

BATCH = 500


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field and stored file under the active key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        active = settings.FIELD_ENCRYPTION_ACTIVE_KEY
        crypto.encrypt("", context="key-check")  # fails fast if the active key is missing
        total = 0
        for model in apps.get_models():
            if model._meta.proxy:  # same table as its concrete model, done once there
                continue
            for field in encrypted_fields_of(model):
                count, unreadable = self._column(model, field, active, dry_run)
                if unreadable:
                    self.stderr.write(
                        f"{model._meta.db_table}.{field.column}: {unreadable} values could "
                        "not be decrypted and were left as they are"
                    )
                total += count
                if count:
                    self.stdout.write(f"{model._meta.db_table}.{field.column}: {count}")
            if self._has_stored_files(model):
                count = self._files(model, dry_run)
                total += count
                if count:
                    self.stdout.write(f"{model._meta.db_table} files: {count}")
        count = self._authenticators(active, dry_run)
        total += count
        if count:
            self.stdout.write(f"{Authenticator._meta.db_table} secrets: {count}")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} values {verb} under key {active!r}."))

    def _column(self, model, field, active, dry_run) -> tuple[int, int]:
        """(values rewritten or to rewrite, values that do not decrypt in their row)."""
        quote = connection.ops.quote_name
        table, column, pk, row_id = (
            quote(model._meta.db_table),
            quote(field.column),
            quote(model._meta.pk.column),
            quote(model._meta.get_field(ROW_ID).column),
        )
        prefix = f"{crypto.ROW_BOUND}:{active}:"
        changed, unreadable, last_pk = 0, 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last_pk is None else f"AND {pk} > %s"
                cursor.execute(
                    f"SELECT {pk}, {row_id}, {column} FROM {table} "  # noqa: S608 - quoted names
                    f"WHERE {column} IS NOT NULL AND {column} <> '' "
                    f"AND {column} NOT LIKE %s {after} ORDER BY {pk} LIMIT %s",
                    [prefix + "%", *([] if last_pk is None else [last_pk]), BATCH],
                )
                rows = cursor.fetchall()
                for row_pk, public_id, stored in rows:
                    try:
                        text = field.decrypt_stored(stored, public_id)
                    except crypto.DecryptionError:
                        unreadable += 1
                        continue
                    if not dry_run:
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s "  # noqa: S608
                            f"WHERE {pk} = %s AND {column} = %s",
                            [field.seal(text, public_id), row_pk, stored],
                        )
                    changed += 1
            if len(rows) < BATCH:
                return changed, unreadable
            last_pk = rows[-1][0]

    @staticmethod
    def _has_stored_files(model) -> bool:
        names = {field.name for field in model._meta.concrete_fields}
        return "stored_name" in names and hasattr(model, "storage_context")

    def _files(self, model, dry_run) -> int:
        changed = 0
        for instance in model.objects.only("pk", "public_id", "stored_name").iterator():
            if not private_storage.exists(instance.stored_name):
                self.stderr.write(f"{model._meta.db_table} {instance.pk}: stored file missing")
                continue
            if dry_run:
                changed += int(private_storage.needs_reencryption(instance.stored_name))
            else:
                changed += int(
                    private_storage.reencrypt(
                        instance.stored_name, context=instance.storage_context
                    )
                )
        return changed

    def _authenticators(self, active, dry_run) -> int:
        adapter = get_mfa_adapter()
        changed, last_pk = 0, 0
        while True:
            batch = list(
                Authenticator.objects.filter(pk__gt=last_pk)
                .order_by("pk")
                .only("pk", "data")[:BATCH]
            )
            for authenticator in batch:
                stale = _stale_secrets(authenticator.data, active)
                if not stale or dry_run:
                    changed += stale
                    continue
                fresh = _resealed(authenticator.data, active, adapter)
                # Only if the data is still what was read (a recovery code used meanwhile
                # changes it): the next run picks up anything skipped.
                if Authenticator.objects.filter(
                    pk=authenticator.pk, data=authenticator.data
                ).update(data=fresh):
                    changed += stale
            if len(batch) < BATCH:
                return changed
            last_pk = batch[-1].pk


def _stale_secrets(data, active) -> int:
    """How many sealed strings in this JSON are under another key than the active one."""
    if isinstance(data, dict):
        return sum(_stale_secrets(value, active) for value in data.values())
    if isinstance(data, list):
        return sum(_stale_secrets(value, active) for value in data)
    return int(crypto.is_sealed(data) and crypto.key_id_of(data) != active)


def _resealed(data, active, adapter):
    if isinstance(data, dict):
        return {key: _resealed(value, active, adapter) for key, value in data.items()}
    if isinstance(data, list):
        return [_resealed(value, active, adapter) for value in data]
    if crypto.is_sealed(data) and crypto.key_id_of(data) != active:
        return adapter.encrypt(adapter.decrypt(data))
    return data

"""Rewrite every encrypted value (and stored file) under FIELD_ENCRYPTION_ACTIVE_KEY.

Key rotation: add the new key to FIELD_ENCRYPTION_KEYS, make it FIELD_ENCRYPTION_ACTIVE_KEY,
deploy, run this command, and only then remove the old key. Values already under the active
key are left alone, so the command can be stopped and run again. Each row is updated only if
it still holds the value that was read (no lost update against a concurrent save). Nothing
decrypted is printed: output is counts per table and column.
"""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from referral_portal import crypto, private_storage
from referral_portal.fields import encrypted_fields_of

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
            for field in encrypted_fields_of(model):
                count = self._column(model, field, active, dry_run)
                total += count
                if count:
                    self.stdout.write(f"{model._meta.db_table}.{field.column}: {count}")
            if self._has_stored_files(model):
                count = self._files(model, dry_run)
                total += count
                if count:
                    self.stdout.write(f"{model._meta.db_table} files: {count}")
        verb = "would be re-encrypted" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{total} values {verb} under key {active!r}."))

    def _column(self, model, field, active, dry_run) -> int:
        quote = connection.ops.quote_name
        table, column, pk = (
            quote(model._meta.db_table),
            quote(field.column),
            quote(model._meta.pk.column),
        )
        context = field.encryption_context
        prefix = f"{crypto.PREFIX}:{active}:"
        changed, last_pk = 0, None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last_pk is None else f"AND {pk} > %s"
                cursor.execute(
                    f"SELECT {pk}, {column} FROM {table} "  # noqa: S608 - quoted names
                    f"WHERE {column} IS NOT NULL AND {column} <> '' "
                    f"AND {column} NOT LIKE %s {after} ORDER BY {pk} LIMIT %s",
                    [prefix + "%", *([] if last_pk is None else [last_pk]), BATCH],
                )
                rows = cursor.fetchall()
                for row_pk, stored in rows:
                    if not dry_run:
                        fresh = crypto.encrypt(
                            crypto.decrypt(stored, context=context), context=context
                        )
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s "  # noqa: S608
                            f"WHERE {pk} = %s AND {column} = %s",
                            [fresh, row_pk, stored],
                        )
                    changed += 1
            if len(rows) < BATCH:
                return changed
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

"""Recompute every blind index under BLIND_INDEX_ACTIVE_KEY (docs/key-rotation.md).

Blind-index key rotation: add the new key to BLIND_INDEX_KEYS beside the old one, make it
BLIND_INDEX_ACTIVE_KEY, deploy (lookups now match under both keys), run this command, and only
then remove the old key. Each row's indexes are computed again from its decrypted values; rows
already under the active key are left alone, so the command can be stopped and run again. Rows
are locked a batch at a time, so a concurrent save waits rather than being overwritten. Output is
counts per table, never a value.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from referral_portal import crypto
from referral_portal.blind_indexes import blind_indexed_models

BATCH = 500


class Command(BaseCommand):
    help = "Recompute every blind index under the active blind-index key."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        active = crypto.active_blind_index_key_id()
        crypto.keyed_hash_key("key-check")  # fails fast if the active key is missing
        total = 0
        for model in blind_indexed_models(apps.get_models()):
            stale = model.objects.exclude(blind_index_key=active)
            count = stale.count() if dry_run else self._reindex(model, stale)
            total += count
            if count:
                self.stdout.write(f"{model._meta.db_table}: {count}")
        verb = "would be reindexed" if dry_run else "reindexed"
        self.stdout.write(self.style.SUCCESS(f"{total} rows {verb} under key {active!r}."))

    @staticmethod
    def _reindex(model, stale) -> int:
        columns = [*model.BLIND_INDEX_PURPOSES, "blind_index_key"]
        changed = 0
        while True:
            with transaction.atomic():
                # Rows leave `stale` as they are rewritten: the next batch is again the first.
                batch = list(stale.select_for_update(of=("self",)).order_by("pk")[:BATCH])
                for row in batch:
                    row.refresh_blind_indexes()
                    model.objects.filter(pk=row.pk).update(
                        **{column: getattr(row, column) for column in columns}
                    )
                changed += len(batch)
            if len(batch) < BATCH:
                return changed

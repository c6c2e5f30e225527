"""Put a backup's private files back into an empty private storage, through the storage API.

Before writing anything it checks the backup (the dump's and every file's SHA-256), that
FIELD_ENCRYPTION_KEYS holds every key id the backup needs, and that the storage is empty.
After writing, it reads every file back, compares hashes, and lists database rows whose file
is not in the storage (ids only): files deleted between the dump and the copy.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from referral_portal import backups


class Command(BaseCommand):
    help = "Restore a backup's private files into an empty private storage and verify them."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Check the backup, the keys and that the storage is empty; write nothing.",
        )

    def handle(self, *args, folder, verify_only=False, **options):
        try:
            if verify_only:
                manifest = backups.verify_backup(folder)
                self.stdout.write(f"Backup verified: {manifest['count']} private files.")
                return
            manifest = backups.restore_files(folder)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"{manifest['count']} private files restored and verified.")
        )
        try:
            missing = backups.rows_without_files()
        except DatabaseError:
            self.stderr.write("The database could not be read: rows were not checked for files.")
            return
        for table, keys in missing.items():
            shown = ", ".join(str(key) for key in keys[:20])
            self.stderr.write(
                f"{table}: {len(keys)} row(s) without a stored file (ids {shown}): deleted "
                "between the dump and the copy (docs/backups.md); their downloads answer 404."
            )

"""Copy every private file (encrypted attachments and notices) into a backup folder.

Run it AFTER pg_dump (scripts/backup.sh does): see referral_portal/backups.py for why that
order makes the dump and the files consistent without stopping the portal. The copies are the
stored ciphertext; no key is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referral_portal import backups


class Command(BaseCommand):
    help = "Copy every object of the private storage into <folder>/private/ with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The backup folder (created if missing).")

    def handle(self, *args, folder, **options):
        try:
            manifest = backups.back_up_files(folder)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        note = ""
        if manifest["vanished_during_copy"]:
            note = f" ({manifest['vanished_during_copy']} deleted during the copy, skipped)"
        self.stdout.write(
            self.style.SUCCESS(
                f"{manifest['count']} private files ({manifest['bytes']} bytes) copied{note}."
            )
        )

"""Write backup.json into a backup folder: when, which code, which migrations and which
encryption key ids the backup needs. Key ids only, never key material."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referral_portal import backups


class Command(BaseCommand):
    help = "Describe a backup folder (database.dump and private files) in backup.json."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--commit", default="unknown", help="The code's git commit.")

    def handle(self, *args, folder, commit, **options):
        try:
            description = backups.describe(folder, commit=commit)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        needed = sorted(
            set(description["key_ids"]["in_database"]) | set(description["key_ids"]["in_files"])
        )
        self.stdout.write(
            f"{backups.DESCRIPTION} written; restoring needs key id(s): {', '.join(needed) or '-'}"
        )

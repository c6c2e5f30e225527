import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import demo as accounts_demo


class Command(BaseCommand):
    help = "Load fake demo organizations and one account per role (never in production)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("seed_demo refuses to run outside development and tests.")
        accounts = accounts_demo.seed()
        path = settings.RUN_DIR / "demo-accounts.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(accounts, indent=2) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Demo accounts ({len(accounts)}) written to {path}")

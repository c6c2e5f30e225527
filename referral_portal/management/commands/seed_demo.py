import importlib
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app's demo data, lowest layer first: `<app>/demo.py` with a `seed()` function. The
# accounts app's seed returns the demo accounts written to .run/demo-accounts.json.
DEMO_APPS = ["accounts", "referrals", "routing", "confirmations"]


class Command(BaseCommand):
    help = "Load fake demo organizations and one account per role (never in production)."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("seed_demo refuses to run outside development and tests.")
        accounts = []
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app}.demo":
                    raise
                continue
            result = module.seed()
            if app == "accounts":
                accounts = result
        path = settings.RUN_DIR / "demo-accounts.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(accounts, indent=2) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Demo accounts ({len(accounts)}) written to {path}")

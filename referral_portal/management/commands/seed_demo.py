import importlib
import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app's demo data, lowest layer first: `<app>/demo.py` with a `seed()` function. The
# accounts app's seed returns the demo accounts written to .run/demo-accounts.json, and is given
# last run's, so that existing accounts keep their random passwords and TOTP secrets.
DEMO_APPS = ["accounts", "referrals", "routing", "confirmations"]


def _previous_accounts(path) -> list[dict]:
    try:
        accounts = json.loads(path.read_text())
    except (OSError, ValueError):
        return []
    return [a for a in accounts if isinstance(a, dict)] if isinstance(accounts, list) else []


class Command(BaseCommand):
    help = "Load fake demo organizations and one account per role (never in production)."

    def handle(self, *args, **options):
        # Demo accounts with known credentials belong on a developer's machine only, and
        # production (like every deployment) runs with DEBUG off.
        if not settings.DEBUG:
            raise CommandError("seed_demo runs only with DEBUG on (local development).")
        path = settings.RUN_DIR / "demo-accounts.json"
        accounts = []
        for app in DEMO_APPS:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as missing:
                if missing.name != f"{app}.demo":
                    raise
                continue
            if app == "accounts":
                accounts = module.seed(previous=_previous_accounts(path))
            else:
                module.seed()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)  # readable by its owner only, before any password is in it
        path.chmod(0o600)
        path.write_text(json.dumps(accounts, indent=2) + "\n")
        self.stdout.write(f"Demo accounts ({len(accounts)}) written to {path}")

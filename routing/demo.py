"""Demo data for `manage.py seed_demo` (never in production).

The directory itself comes from the data migration. Here the demo receiving-agency accounts
made by accounts/demo.py are moved into the Albany County district and the Capital Region RHTP
provider, so that cases routed for Albany County show up for them. Running it twice changes
nothing.
"""

from django.db import transaction

from accounts.models import User

from .models import District, RhtpProvider

DEMO_RECEIVERS = {
    "demo-ldss": lambda: District.objects.get(name="Albany County").organization,
    "demo-rhtp": lambda: (
        RhtpProvider.objects.get(region__name="Capital Region (demo)").organization
    ),
}


def seed():
    with transaction.atomic():
        for username, organization in DEMO_RECEIVERS.items():
            user = User.objects.filter(username=username).first()
            if user is not None:
                user.organization = organization()
                user.save()

"""`make bench`, load stage: realistic data and signed-in sessions for Locust (issue 13).

Usage: bench_seed.py SIZE SESSIONS.json. Grows the database to SIZE referrals (copies of one
submitted referral over counties, organizations, statuses and deadlines, as scripts/bench.py
does), then adds for each referral two timeline events, a delivery for every confirmed one
(states and acknowledgements varied) and ACCESS_LOG_ROWS access-log entries. Decisions and
notices are not copied (their PDFs and signatures make bulk copies meaningless): the case page
shows the template referral's real ones. Sessions are made as force_login does, one per role,
so Locust measures pages, not sign-in with a second factor.
"""

import json
import os
import sys
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import grow  # noqa: E402  (sets up Django)
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from referral_portal.audit import AccessLog  # noqa: E402
from referral_portal.roles import Role  # noqa: E402
from referrals.models import EventKind, Referral, ReferralEvent, Status  # noqa: E402
from routing.models import DeliveryState, RoutingDelivery  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from tests.referrals import builders  # noqa: E402
from tests.routing.conftest import drain, route  # noqa: E402
from tests.routing.factories import confirmed_referral, provider, receiving_user  # noqa: E402

ACCESS_LOG_ROWS = int(os.environ.get("BENCH_ACCESS_LOG_ROWS", "1000000"))
BATCH = 5000


def session_for(user) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.VerifiedOrganizationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def events_and_deliveries(agency_user, routed_by):
    template = route(confirmed_referral())[0]
    drain()
    template.refresh_from_db()
    states = [DeliveryState.DELIVERED] * 8 + [DeliveryState.QUEUED, DeliveryState.FAILED]
    now = timezone.now()
    events, deliveries = [], []
    routed = set(RoutingDelivery.objects.values_list("referral_id", flat=True))
    for n, (pk, status) in enumerate(Referral.objects.values_list("pk", "status").iterator()):
        events += [
            ReferralEvent(referral_id=pk, kind=EventKind.SUBMITTED, to_status=Status.SUBMITTED),
            ReferralEvent(referral_id=pk, kind=EventKind.SUBMITTED, from_status=Status.SUBMITTED),
        ]
        if status == Status.CONFIRMED and pk not in routed:
            copy = RoutingDelivery.objects.get(pk=template.pk)
            copy.pk, copy.public_id, copy.referral_id = None, uuid.uuid4(), pk
            copy.state = states[n % len(states)]
            copy.routed_at = now - timedelta(minutes=n)
            copy.acknowledged_at = now if n % 3 == 0 else None
            copy.acknowledged_by = agency_user if n % 3 == 0 else None
            copy.acknowledge_due_at = now + timedelta(hours=n % 300)
            deliveries.append(copy)
        if len(events) >= BATCH:
            ReferralEvent.objects.bulk_create(events)
            RoutingDelivery.objects.bulk_create(deliveries)
            events, deliveries = [], []
    ReferralEvent.objects.bulk_create(events)
    RoutingDelivery.objects.bulk_create(deliveries)


def access_log(people):
    have = AccessLog.objects.count()
    rows = []
    for n in range(have, ACCESS_LOG_ROWS):
        person = people[n % len(people)]
        rows.append(AccessLog(user=person, role=person.role, action="view_referral"))
        if len(rows) == BATCH:
            AccessLog.objects.bulk_create(rows)
            rows = []
    AccessLog.objects.bulk_create(rows)


def main(size: int, out: Path):
    setup_test_environment()
    call_command("migrate", verbosity=0)
    referrer = UserFactory(role=Role.REFERRER)
    reviewer = UserFactory(role=Role.STATE_REVIEWER)
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    agency = receiving_user(provider().organization)
    template = builders.submitted(user=referrer)
    grow(template, size)
    events_and_deliveries(agency, reviewer)
    access_log([reviewer, referrer, agency])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    case = RoutingDelivery.objects.filter(organization=agency.organization).first()
    sessions = {
        "referrer": session_for(referrer),
        "reviewer": session_for(reviewer),
        "agency": session_for(agency),
        "administrator": session_for(administrator),
        "referral": str(template.public_id),
        "case": str(case.public_id) if case else "",
    }
    out.write_text(json.dumps(sessions))


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))

"""`make bench`: realistic data, signed-in sessions and work for Locust to do.

    bench_seed.py base OUT.json   people, their sessions, and the real referrals and case the
                                  copies are made from
    bench_seed.py grow SIZE       referrals up to SIZE, with their events, decisions, notices,
                                  deliveries in every state, outcome reports, and
                                  BENCH_ACCESS_LOG_ROWS access-log entries (default 1,000,000)
    bench_seed.py work N USERS IN OUT
                                  one Locust run's work: N referrals to confirm, N cases to
                                  acknowledge, and a referrer of its own for each of up to
                                  USERS simulated referrers, with the sessions of IN, to OUT

The templates are made through the services, exactly as the portal makes them. The bulk rows
are written in SQL, batch by batch, from the one real referral: each copy gets its own public
id, reference, county, organization, status and dates, and its personal fields are sealed
again for its own row (they are bound to the row's public id, so a copied ciphertext would not
decrypt). Triggers are off while copying,
so the bulk rows have no change history; the pages measured do not read it.
"""

import json
import os
import random
import sys
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referral_portal.settings.bench")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Organization  # noqa: E402
from referral_portal import crypto  # noqa: E402
from referral_portal.fields import encrypted_fields_of  # noqa: E402
from referral_portal.models import County  # noqa: E402
from referral_portal.roles import Role  # noqa: E402
from referrals.models import Notice, Referral, ReferralEvent  # noqa: E402
from routing.models import District, RhtpProvider, RoutingDelivery  # noqa: E402
from tests.confirmations import helpers as decide  # noqa: E402
from tests.factories import OrganizationFactory, UserFactory  # noqa: E402
from tests.referrals import builders  # noqa: E402
from tests.referrals.steps import step_data  # noqa: E402
from tests.routing.conftest import drain  # noqa: E402
from tests.routing.factories import district, receiving_user  # noqa: E402

ACCESS_LOG_ROWS = int(os.environ.get("BENCH_ACCESS_LOG_ROWS", "1000000"))
BATCH = 5000
STATE = Path(os.environ.get("BENCH_SCRATCH", ROOT / ".run")) / "bench-state.json"
# A realistic mix: about one referral in eighteen is still open; the rest are decided or
# withdrawn. Confirmed ones outnumber declined three to one.
OPEN = ["submitted", "info_requested", "info_provided"]
CLOSED = ["confirmed"] * 12 + ["declined"] * 4
STATUSES = OPEN + (CLOSED + ["withdrawn"]) * 3
KINDS = [
    Organization.Kind.SOCIAL_SERVICES_PROVIDER,
    Organization.Kind.LAW_ENFORCEMENT,
    Organization.Kind.DISTRICT_ATTORNEY,
    Organization.Kind.LEGAL_SERVICES_PROVIDER,
]
REFERRING_ORGANIZATIONS = 20


def session_for(user) -> str:
    """A signed-in session as force_login makes it: Locust measures pages, not the sign-in
    with a second factor."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.backends.VerifiedOrganizationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def base(out: Path):
    call_command("migrate", verbosity=0)
    referrer = UserFactory(role=Role.REFERRER)
    reviewer = decide.reviewer()
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    agency = receiving_user(district().organization)
    template = builders.submitted(user=referrer)
    organizations = [template.organization_id] + [
        OrganizationFactory(kind=KINDS[n % len(KINDS)]).pk
        for n in range(REFERRING_ORGANIZATIONS - 1)
    ]
    # The real case on the agency's case page, and the referral every ready copy is made from.
    first = decide.confirm(decide.ready_to_decide(reviewer), reviewer).referral
    ready_template = decide.ready_to_decide(reviewer)
    drain()
    case = RoutingDelivery.objects.get(referral=first, organization=agency.organization)
    albany = County.objects.get(name="Albany").pk
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(
        json.dumps(
            {
                "template": template.pk,
                "case": case.pk,
                "referrer": referrer.pk,
                "reviewer": reviewer.pk,
                "agency_organization": agency.organization_id,
                "agency": agency.pk,
                "administrator": administrator.pk,
                "ready_template": ready_template.pk,
                "referring_organizations": organizations,
            }
        )
    )
    steps = step_data()
    steps["trafficking"]["trafficking_counties"] = [albany]
    seeded = {
        "referrer": session_for(referrer),
        "reviewer": session_for(reviewer),
        "agency": session_for(agency),
        "administrator": session_for(administrator),
        "referral": str(template.public_id),
        "case": str(case.public_id),
        "steps": steps,
    }
    out.write_text(json.dumps(seeded, default=str))


# --- the bulk copies -------------------------------------------------------------------------
VARYING = [
    ("public_id", "uuid"),
    ("reference", "text"),
    ("status", "text"),
    ("county_of_residence_id", "bigint"),
    ("organization_id", "bigint"),
    ("created_at", "timestamptz"),
    ("submitted_at", "timestamptz"),
    ("due_at", "timestamptz"),
    ("decided_at", "timestamptz"),
    ("minor_at_referral", "boolean"),
    ("sex_trafficking", "boolean"),
    ("labor_trafficking", "boolean"),
]


def copy_referrals(template: Referral, rows) -> int:
    """Insert copies of `template`, one per dict of VARYING values in `rows`, each with its
    personal fields sealed again for its own public id. Batches of BATCH; returns the count."""
    sealed = {
        f.column: (f, f.to_plaintext(getattr(template, f.attname)))
        for f in encrypted_fields_of(Referral)
    }
    columns = [c.column for c in Referral._meta.concrete_fields if c.column != "id"]
    varying = dict(VARYING) | dict.fromkeys(sealed, "text")
    select = ", ".join(f"v.{c}" if c in varying else f"t.{c}" for c in columns)
    unnest = ", ".join(f"%s::{kind}[]" for kind in varying.values())
    sql = (
        f"INSERT INTO referrals_referral ({', '.join(columns)}) "  # noqa: S608 - our own names
        f"SELECT {select} FROM referrals_referral t, unnest({unnest}) AS v({', '.join(varying)})"
        " WHERE t.id = %s"
    )
    count, batch = 0, []
    for row in [*rows, None]:
        if row is not None:
            for column, (field, text) in sealed.items():
                row[column] = _seal(field, text, row["public_id"]) if text else ""
            batch.append(row)
        if batch and (row is None or len(batch) == BATCH):
            with connection.cursor() as cursor:
                cursor.execute(sql, [[r[c] for r in batch] for c in varying] + [template.pk])
            count += len(batch)
            print(f"  referrals: {count:,} copies", flush=True)
            batch = []
    return count


def _seal(field, text: str, public_id) -> str:
    """The stored form of `text` for the row with `public_id`. Before values were bound to
    their row (the baseline commit), every row of a column shared one context."""
    if hasattr(field, "seal"):
        return field.seal(text, public_id)
    return crypto.encrypt(text, context=field.encryption_context)


def _bulk_rows(state: dict, start: int, total: int):
    """Two years of referrals over every county and the referring organizations."""
    counties = list(County.objects.values_list("pk", flat=True))
    organizations = state["referring_organizations"]
    now = timezone.now()
    rng = random.Random(start)  # noqa: S311 - spread of fake dates, not a secret
    for i in range(start, total):
        status = STATUSES[i % len(STATUSES)]
        submitted = now - timedelta(minutes=(i * 5) % (2 * 365 * 24 * 60))
        decided = min(now, submitted + timedelta(hours=rng.randint(4, 240)))
        yield {
            "public_id": uuid.uuid4(),
            "reference": f"VC-B{i:07d}",
            "status": status,
            "county_of_residence_id": counties[i % len(counties)],
            "organization_id": organizations[i % len(organizations)],
            "created_at": submitted - timedelta(hours=2),
            "submitted_at": submitted,
            "due_at": now + timedelta(hours=(i % 200) - 50)
            if status in OPEN
            else submitted + timedelta(days=14),
            "decided_at": decided if status in ("confirmed", "declined") else None,
            "minor_at_referral": i % 7 == 0,
            "sex_trafficking": i % 3 != 1,
            "labor_trafficking": i % 3 != 0,
        }


def ready_to_decide(template: Referral, count: int) -> list[Referral]:
    """`count` copies of a referral that is assigned and has its consultation: each can be
    confirmed at once, through the pages or the service."""
    now = timezone.now()
    ids = [uuid.uuid4() for _ in range(count)]
    template_rows = [
        {
            "public_id": public_id,
            "reference": f"VC-P{public_id.hex[:12]}",
            "status": "submitted",
            "county_of_residence_id": template.county_of_residence_id,
            "organization_id": template.organization_id,
            "created_at": now,
            "submitted_at": now,
            "due_at": template.due_at,
            "decided_at": None,
            "minor_at_referral": template.minor_at_referral,
            "sex_trafficking": template.sex_trafficking,
            "labor_trafficking": template.labor_trafficking,
        }
        for public_id in ids
    ]
    copy_referrals(template, template_rows)
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO confirmations_consultation
                 (public_id, agency, consulted_with, consulted_at, outcome, note, recorded_at,
                  recorded_by_id, referral_id)
               SELECT gen_random_uuid(), c.agency, c.consulted_with, c.consulted_at, c.outcome,
                      '', c.recorded_at, c.recorded_by_id, r.id
                 FROM referrals_referral r,
                      (SELECT * FROM confirmations_consultation WHERE referral_id = %s) c
                WHERE r.public_id = ANY(%s::uuid[])""",
            [template.pk, ids],
        )
        cursor.execute(
            """INSERT INTO referrals_referral_trafficking_counties (referral_id, county_id)
               SELECT r.id, c.county_id FROM referrals_referral r,
                      referrals_referral_trafficking_counties c
                WHERE c.referral_id = %s AND r.public_id = ANY(%s::uuid[])""",
            [template.pk, ids],
        )
    return list(Referral.objects.filter(public_id__in=ids))


def _related(state: dict, since: int):
    """Events, decisions, notices, deliveries and outcome reports for the copies with
    id > since, in SQL (none of these columns is personal, so none needs sealing)."""
    reviewer, agency_org = state["reviewer"], state["agency_organization"]
    districts = list(District.objects.values_list("organization_id", flat=True))
    providers = list(RhtpProvider.objects.values_list("organization_id", flat=True))
    case = RoutingDelivery.objects.get(pk=state["case"])
    params = {
        "since": since,
        "reviewer": reviewer,
        "agency": agency_org,
        "case": case.pk,
        "acknowledger": state["agency"],
    }
    # Columns an older schema lacks (the baseline run seeds an earlier commit with this file).
    event_id = _optional(ReferralEvent, "public_id", "gen_random_uuid()")
    language = _optional(Notice, "language", "n.language")
    statements = [
        # Submitted, and the decision or withdrawal, visible on the referrer's timeline.
        f"""INSERT INTO referrals_referralevent
             ({event_id[0]} at, kind, from_status, to_status, note, visible_to_referrer,
              actor_id, referral_id)
           SELECT {event_id[1]} r.submitted_at, 'submitted', 'draft', 'submitted', '',
                  true, r.submitted_by_id, r.id
             FROM referrals_referral r WHERE r.id > %(since)s AND r.status <> 'draft'
           UNION ALL
           SELECT {event_id[1]} coalesce(r.decided_at, r.submitted_at + interval '1 day'),
                  r.status, 'submitted', r.status, '', true, %(reviewer)s, r.id
             FROM referrals_referral r
            WHERE r.id > %(since)s AND r.status IN ('confirmed', 'declined', 'withdrawn')""",  # noqa: S608
        """INSERT INTO confirmations_decision
             (public_id, stage, outcome, basis, appears_eligible, minor, add_other_destination,
              decline_reasons, note, decided_at, referral_version, county_of_residence_id,
              decided_by_id, referral_id)
           SELECT gen_random_uuid(), 'initial', r.status,
                  CASE WHEN r.status = 'confirmed' THEN 'federal_criteria' ELSE '' END,
                  CASE WHEN r.status = 'confirmed' THEN true END, r.minor_at_referral, false,
                  CASE WHEN r.status = 'declined' THEN ARRAY['criteria_not_met']::varchar[]
                       ELSE ARRAY[]::varchar[] END,
                  '', r.decided_at, 1, r.county_of_residence_id, %(reviewer)s, r.id
             FROM referrals_referral r
            WHERE r.id > %(since)s AND r.status IN ('confirmed', 'declined')""",
        f"""INSERT INTO referrals_notice
             (public_id, referral_id, kind, {language[0]} stored_name, created_at, issued_by_id)
           SELECT gen_random_uuid(), r.id, n.kind, {language[1]} md5(gen_random_uuid()::text),
                  r.decided_at, %(reviewer)s
             FROM referrals_referral r,
                  (SELECT * FROM referrals_notice ORDER BY id LIMIT 1) n
            WHERE r.id > %(since)s AND r.status IN ('confirmed', 'declined')""",  # noqa: S608
        # A delivery to the district for every confirmed copy (one in five to the bench
        # agency's), and one to an RHTP provider for one in four; states and follow-up in the
        # proportions the program sees.
        _deliveries("district", "d.id, NULL", "routing_district d", districts),
        _deliveries(
            "rhtp_provider",
            "NULL, p.id",
            "routing_rhtpprovider p",
            providers,
            only="AND mod(r.id, 4) = 0",
        ),
        # What the daily deadline check (routing.services.check_deadlines) did over those two
        # years: every deadline that has passed was reminded of the day before and, if missed,
        # escalated. Without it, a bench run over 7:30 a.m. Eastern would see the check
        # escalate a hundred thousand old cases at once, which no live portal ever does.
        *_deadlines_checked(),
        """INSERT INTO routing_outcomereport
             (public_id, delivery_id, outcome, transferred_to, note, reported_by_id, reported_at)
           SELECT gen_random_uuid(), d.id,
                  (ARRAY['contacted', 'could_not_reach', 'services_started',
                         'contacted'])[1 + mod(d.id, 4)],
                  '', '', %(reviewer)s, d.first_outcome_at
             FROM routing_routingdelivery d JOIN referrals_referral r ON r.id = d.referral_id
            WHERE r.id > %(since)s AND d.first_outcome_at IS NOT NULL""",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            print(f"  {sql.split()[2]}: {cursor.rowcount:,} rows", flush=True)


def _deadlines_checked() -> list[str]:
    columns = {field.column for field in RoutingDelivery._meta.concrete_fields}
    statements = []
    for prefix, due, done in (
        ("acknowledge", "acknowledge_due_at", "acknowledged_at"),
        ("contact", "first_contact_due_at", "first_outcome_at"),
    ):
        if f"{prefix}_escalated_at" not in columns:
            continue  # the baseline commit's schema
        statements.append(
            f"""UPDATE routing_routingdelivery d
                   SET {prefix}_reminded_at = CASE WHEN d.{due} < now() + interval '1 day'
                                                   THEN d.{due} - interval '1 day' END,
                       {prefix}_escalated_at = CASE WHEN d.{due} < now() AND d.{done} IS NULL
                                                    THEN d.{due} + interval '1 hour' END
                  FROM referrals_referral r
                 WHERE r.id = d.referral_id AND r.id > %(since)s
                   AND d.portal_delivered_at IS NOT NULL"""  # noqa: S608
        )
    return statements


def _optional(model, column: str, value: str) -> tuple[str, str]:
    names = {field.column for field in model._meta.concrete_fields}
    return (f"{column}, ", f"{value}, ") if column in names else ("", "")


def _deliveries(destination, columns, table, organizations, only=""):
    # Our own table names and numbers only; the values go in as parameters.
    return f"""INSERT INTO routing_routingdelivery
             (public_id, destination, appears_eligible, child_welfare_pathway, routed_at, state,
              attempts, last_error, portal_delivered_at, receivers_notified_at, delivered_at,
              acknowledge_due_at, first_contact_due_at, acknowledged_at, first_outcome_at,
              acknowledged_by_id, district_id, rhtp_provider_id, organization_id, referral_id,
              routed_by_id)
           SELECT gen_random_uuid(), '{destination}', true, false, r.decided_at,
                  CASE WHEN mod(r.id, 20) = 0 THEN 'failed' WHEN mod(r.id, 20) = 1 THEN 'queued'
                       ELSE 'delivered' END,
                  1, '',
                  CASE WHEN mod(r.id, 20) > 1 THEN r.decided_at + interval '1 second' END,
                  CASE WHEN mod(r.id, 20) > 1 THEN r.decided_at + interval '2 seconds' END,
                  CASE WHEN mod(r.id, 20) > 1 THEN r.decided_at + interval '2 seconds' END,
                  r.decided_at + interval '2 days', r.decided_at + interval '5 days',
                  CASE WHEN {ACKNOWLEDGED} THEN r.decided_at + mod(r.id, 4) * interval '1 day'
                       END,
                  CASE WHEN mod(r.id, 2) = 0 AND {ACKNOWLEDGED}
                       THEN r.decided_at + mod(r.id, 9) * interval '1 day' END,
                  CASE WHEN {ACKNOWLEDGED} THEN %(acknowledger)s END,
                  {columns}, {table.split()[1]}.organization_id, r.id, %(reviewer)s
             FROM referrals_referral r
             JOIN {table}
               ON {table.split()[1]}.organization_id = CASE
                  WHEN mod(r.id, 5) = 0 THEN %(agency)s
                  ELSE (ARRAY{organizations})[1 + mod(r.id, {len(organizations)})] END
            WHERE r.id > %(since)s AND r.status = 'confirmed' {only}"""  # noqa: S608


ACKNOWLEDGED = "mod(r.id, 3) > 0 AND mod(r.id, 20) > 1"


def _access_log():
    """A year of entries by state staff, referrers and agencies, up to ACCESS_LOG_ROWS."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM referral_portal_accesslog")
        (have,) = cursor.fetchone()
        cursor.execute(
            """INSERT INTO referral_portal_accesslog
                 (at, role, action, outcome, object_type, referral_reference, user_agent,
                  request_id, detail, organization_id, user_id)
               SELECT now() - n * interval '31 seconds', u.role,
                      (ARRAY['view_referral', 'view_case', 'download_notice',
                             'search'])[1 + mod(n, 4)],
                      'allowed', 'referral', 'VC-B' || lpad((mod(n, 100000))::text, 7, '0'),
                      'Mozilla/5.0', '', '', u.organization_id, u.id
                 FROM generate_series(%s, %s) AS n
                 JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, role,
                              organization_id
                         FROM accounts_user WHERE organization_id IS NOT NULL) u
                   ON u.k = mod(n, (SELECT count(*) FROM accounts_user
                                   WHERE organization_id IS NOT NULL))""",
            [have + 1, ACCESS_LOG_ROWS],
        )
        print(f"  access log: {cursor.rowcount:,} rows added", flush=True)


def grow(total: int):
    state = json.loads(STATE.read_text())
    since = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no history triggers
        start = Referral.objects.count()
        copy_referrals(Referral.objects.get(pk=state["template"]), _bulk_rows(state, start, total))
        _related(state, since)
        _access_log()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _new_referrer(organization):
    # A name of its own: the factory's sequence starts again in every process.
    username = f"bench-{uuid.uuid4().hex[:12]}"
    return UserFactory(
        role=Role.REFERRER,
        organization=organization,
        username=username,
        email=f"{username}@example.org",
    )


def work(count: int, users: int, sessions: Path, out: Path) -> None:
    """One Locust run's own work, written with the sessions to `out`: `count` referrals ready
    to confirm, up to `count` delivered cases nobody has acknowledged yet, and `users` new
    referrers in the template's organization, signed in. Each simulated referrer is a person
    of its own, as in life: the portal limits how many referrals one person starts in an
    hour, and a fresh set per run keeps one run's starts from counting against the next."""
    state = json.loads(STATE.read_text())
    organization = Organization.objects.get(pk=state["referring_organizations"][0])
    referrers = [session_for(_new_referrer(organization)) for _ in range(users)]
    ready = ready_to_decide(Referral.objects.get(pk=state["ready_template"]), count)
    cases = RoutingDelivery.objects.filter(
        organization_id=state["agency_organization"],
        state="delivered",
        acknowledged_at__isnull=True,
    ).values_list("public_id", flat=True)[:count]
    seeded = json.loads(sessions.read_text())
    seeded["to_decide"] = [
        {"id": str(r.public_id), "version": r.version, "county": r.county_of_residence_id}
        for r in ready
    ]
    seeded["to_acknowledge"] = [str(public_id) for public_id in cases]
    seeded["referrers"] = referrers
    out.write_text(json.dumps(seeded))


if __name__ == "__main__":
    if sys.argv[1] == "base":
        base(Path(sys.argv[2]))
    elif sys.argv[1] == "grow":
        grow(int(sys.argv[2]))
    else:  # work COUNT USERS SESSIONS.json OUT.json
        work(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), Path(sys.argv[5]))

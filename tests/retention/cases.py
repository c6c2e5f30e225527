"""Referrals for the retention tests, each carrying personal data everywhere it can live:
attachments, a reviewer's question and the answer (with a file), consultation and decision
notes, notices, routing and an outcome note. Built through the services, as in real use."""

import os
from datetime import timedelta

from django.db import connection
from faker import Faker

from confirmations import decisions
from confirmations import services as review
from referral_portal import private_storage
from referral_portal.roles import Role
from referrals import services
from referrals.models import AttachmentKind, Reason, Referral
from referrals.uploads import CheckedFile
from routing import services as routing
from tests.confirmations import helpers
from tests.factories import UserFactory
from tests.outbox import drain
from tests.referrals import builders, files
from tests.routing.factories import receiving_user

fake = Faker("en_US")


def pdf_upload(kind_label="consent") -> CheckedFile:
    # The file name is personal data too (it is stored encrypted on the attachment row).
    return CheckedFile(
        name=f"{fake.last_name()}-{kind_label}.pdf",
        content_type="application/pdf",
        data=files.pdf(fake.name()),
    )


def personal_values() -> dict:
    """Distinctive values for the plain personal columns, easy to look for afterwards."""
    return {
        "agency_case_number": fake.bothify("CASE-####-????"),
        "industry_other": f"{fake.company()} back office",
        "services_other": f"Help with {fake.bs()}",
        "country_of_birth": fake.country(),
        "preferred_language": "other",
        "preferred_language_other": f"{fake.language_name()} dialect",
        "estimated_age": 34,
    }


def draft_with_attachment(referrer=None, **overrides) -> Referral:
    referrer = referrer or UserFactory(role=Role.REFERRER)
    referral = builders.draft(referrer, **{**personal_values(), **overrides})
    services.add_attachment(
        referral=referral, user=referrer, kind=AttachmentKind.CONSENT_FORM, upload=pdf_upload()
    )
    return referral


def submitted_with_question(**overrides) -> tuple[Referral, object]:
    """A submitted referral with an attachment, and a reviewer's question answered with a file."""
    referral = draft_with_attachment(**overrides)
    referrer = referral.created_by
    referral = services.submit_referral(referral=referral, user=referrer)
    reviewer = helpers.reviewer()
    helpers.assigned(reviewer, referral)
    question = review.request_information(
        referral=referral,
        reviewer=reviewer,
        reasons=[Reason.UNCLEAR_FACTS],
        message=f"Please confirm the dates for {referral.legal_name}.",
    )
    services.answer_information_request(
        information_request=question,
        user=referrer,
        response=fake.paragraph(),
        files=[pdf_upload("statement")],
    )
    helpers.consult(referral, reviewer, note=fake.sentence())
    referral.refresh_from_db()
    return referral, reviewer


def confirmed_and_routed(**overrides) -> Referral:
    """Confirmed with a note, notices stored, routed and delivered (routing still open)."""
    referral, reviewer = submitted_with_question(**overrides)
    helpers.confirm(referral, reviewer, note=fake.sentence())
    drain()
    referral.refresh_from_db()
    return referral


def report_outcomes(referral: Referral) -> None:
    """Every receiving agency reports what it did, with a private note: routing is closed."""
    for delivery in referral.deliveries.select_related("organization"):
        routing.report_outcome(
            delivery=delivery,
            actor=receiving_user(delivery.organization),
            outcome="contacted",
            note=f"Met {referral.legal_name} at the office.",
        )


def declined(**overrides) -> Referral:
    referral, reviewer = submitted_with_question(**overrides)
    helpers.decline(referral, reviewer, note=fake.sentence())
    referral.refresh_from_db()
    return referral


def withdrawn(**overrides) -> Referral:
    referral, _ = submitted_with_question(**overrides)
    referral.refresh_from_db()
    return services.withdraw_referral(
        referral=referral, user=referral.created_by, reason=fake.sentence()
    )


def appealed(**overrides) -> Referral:
    referral = declined(**overrides)
    decisions.file_appeal(referral=referral, user=referral.created_by, statement=fake.paragraph())
    referral.refresh_from_db()
    return referral


# --- looking at what is stored -----------------------------------------------------------------
def ciphertext_marker() -> str:
    from django.conf import settings

    return f"v2:{settings.FIELD_ENCRYPTION_ACTIVE_KEY}:"


def rows_containing(text: str) -> dict[str, int]:
    """Every table in the database, row by row as JSON: how many rows contain `text`."""
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*) FROM {quoted} AS t WHERE row_to_json(t)::text LIKE %s",  # noqa: S608 - table names come from pg_tables
                ["%" + text.replace("%", r"\%").replace("_", r"\_") + "%"],
            )
            (count,) = cursor.fetchone()
            if count:
                found[table] = count
    return found


def stored_files() -> list[str]:
    from django.conf import settings

    root = settings.PRIVATE_STORAGE_ROOT
    return [name for _, _, names in os.walk(root) for name in names]


def file_exists(name: str) -> bool:
    return private_storage.exists(name)


def days(n: float) -> timedelta:
    return timedelta(days=n)

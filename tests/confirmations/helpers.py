"""Building blocks for the review tests: State staff, referrals in each review state and PDF
text. (The outbox is run by the `drain_outbox` fixture, tests/outbox.py.)"""

from datetime import timedelta
from io import BytesIO

from django.utils import timezone
from faker import Faker
from pypdf import PdfReader

from accounts.models import Organization
from confirmations import decisions, services
from confirmations.choices import Agency, Basis, ConsultationOutcome, DeclineReason
from referral_portal import private_storage
from referral_portal.models import County
from referral_portal.roles import Role
from referrals.models import Referral, Status
from tests.factories import OrganizationFactory, UserFactory
from tests.referrals import builders

fake = Faker("en_US")


def state_agency(**kwargs) -> Organization:
    values = {
        "kind": Organization.Kind.STATE_AGENCY,
        "designating_agency": "",
        "designation_date": None,
    }
    return OrganizationFactory(**{**values, **kwargs})


def reviewer(**kwargs):
    return UserFactory(role=Role.STATE_REVIEWER, organization=state_agency(), **kwargs)


def supervisor(**kwargs):
    return UserFactory(role=Role.STATE_SUPERVISOR, organization=state_agency(), **kwargs)


def administrator(**kwargs):
    return UserFactory(role=Role.ADMINISTRATOR, organization=state_agency(), **kwargs)


def submitted(referrer=None, **overrides) -> Referral:
    """A referral submitted through the referrals service; provider consent covers the LDSS."""
    return builders.submitted(referrer or UserFactory(role=Role.REFERRER), **overrides)


def assigned(person, referral=None, **overrides) -> Referral:
    referral = referral or submitted(**overrides)
    return services.claim_referral(referral=referral, reviewer=person)


def information_requested(person=None):
    """A submitted referral, claimed by a reviewer who asked its referrer for information.
    Returns the open request (its referral and submitter are on it)."""
    person = person or reviewer()
    referral = assigned(person)
    referral.refresh_from_db()
    return services.request_information(
        referral=referral,
        reviewer=person,
        reasons=["unclear_facts"],
        message="Where did the work take place?",
        expected_version=referral.version,
    )


def consult(referral, person, **kwargs):
    values = {
        "agency": Agency.OTDA,
        "consulted_with": fake.name(),
        "consulted_at": timezone.now() - timedelta(hours=1),
        "outcome": ConsultationOutcome.AGREES_CONFIRM,
        "note": fake.sentence(),
    }
    return services.record_consultation(referral=referral, reviewer=person, **{**values, **kwargs})


def ready_to_decide(person, **overrides) -> Referral:
    referral = assigned(person, **overrides)
    consult(referral, person)
    referral.refresh_from_db()
    return referral


def facts(referral, **kwargs) -> decisions.ConfirmationFacts:
    values = {
        "basis": Basis.BOTH,
        "appears_eligible": True,
        "county": referral.county_of_residence,
        "minor": referral.is_minor,
        "add_other": False,
        "note": "",
    }
    return decisions.ConfirmationFacts(**{**values, **kwargs})


def confirm(referral, person, **kwargs):
    referral.refresh_from_db()
    return decisions.confirm_referral(
        referral=referral,
        reviewer=person,
        facts=facts(referral, **kwargs),
        expected_version=referral.version,
    )


def decline(referral, person, reasons=(DeclineReason.CRITERIA_NOT_MET,), note="Not enough."):
    referral.refresh_from_db()
    return decisions.decline_referral(
        referral=referral,
        reviewer=person,
        reasons=list(reasons),
        note=note,
        expected_version=referral.version,
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())


def notice_text(notice) -> str:
    return pdf_text(
        private_storage.read_decrypted(notice.stored_name, context=notice.storage_context)
    )


def bulk_open_referrals(count: int, *, referrer, start: int = 1, **fields) -> list[Referral]:
    """Many open referrals at once, written directly (the queue test needs thousands). Only the
    columns the queue reads are filled."""
    now = timezone.now()
    counties = list(County.objects.order_by("pk")[:10])
    rows = []
    for n in range(start, start + count):
        values = {
            "organization": referrer.organization,
            "created_by": referrer,
            "submitted_by": referrer,
            "status": Status.SUBMITTED,
            "reference": f"VC-1999-{n:06d}",
            "submitted_at": now - timedelta(hours=n % 50),
            "due_at": now + timedelta(hours=(n * 7) % 200 - 50),
            "county_of_residence": counties[n % len(counties)],
            "sex_trafficking": n % 2 == 0,
            "labor_trafficking": n % 3 == 0,
            "minor_at_referral": n % 5 == 0,
        }
        rows.append(Referral(**{**values, **fields}))
    return Referral.objects.bulk_create(rows)

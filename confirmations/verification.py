"""Online verification of a person's notice: a benefits office checks, without an account, that
a notice is genuine and still stands (docs/decisions/0015-notice-verification-and-translations.md).

Each of the person's notices (confirmation for an adult or a minor, decline) carries a
verification code, printed beside a QR code that holds only the page's address (/verify/): the
code is never put in a URL. The code is random, 80 bits in Crockford base 32 printed as
XXXX-XXXX-XXXX-XXXX; only its SHA-256 is kept. The date of birth is the second factor: the row
keeps a keyed hash of it (the blind-index key, separated by the code's hash, so two notices of
the same person share no value), never the date. The row needs nothing else from the referral,
so it outlives the retention purge: the referral's status and its decisions, which a purge
keeps, say whether the notice still stands.

A wrong date of birth and an unknown code give the same answer (None), after the same work: the
date-of-birth hash is computed in both cases.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referral_portal import crypto
from referrals.models import NoticeKind, Status

from .choices import DecisionOutcome, DecisionStage

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_LENGTH = 16  # 16 characters of 5 bits: 80 bits
GROUP = 4
DOB_PURPOSE = "notice.verification.dob"
# Letters a reader may type for the digits they look like (Crockford's decoding rule).
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
PERSON_NOTICE_KINDS = (
    NoticeKind.CONFIRMATION_ADULT,
    NoticeKind.CONFIRMATION_MINOR,
    NoticeKind.DECLINE,
)


class NoticeVerification(models.Model):
    """What a verification shows about one decision's notice to the person (the same code is
    printed on every language it is issued in): kind and date, and, through the decision,
    whether it still stands."""

    decision = models.OneToOneField(
        "confirmations.Decision", on_delete=models.PROTECT, related_name="verification"
    )
    kind = models.CharField(max_length=30, choices=NoticeKind)
    issued_on = models.DateField()
    code_hash = models.CharField(max_length=64, unique=True)
    # Keyed hash of the date of birth (never empty: a notice without a known date of birth gets
    # no code, see issue_code).
    dob_check = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=PERSON_NOTICE_KINDS),
                name="notice_verification_person_notices_only",
            ),
            models.CheckConstraint(
                condition=~models.Q(dob_check=""), name="notice_verification_has_dob_check"
            ),
        ]

    def __str__(self):
        return f"Verification of {self.get_kind_display()} of {self.issued_on}"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def normalize_code(typed: str) -> str:
    """What the reader typed, as the code: case, spaces and dashes do not matter; "" when it
    cannot be a code."""
    cleaned = "".join(ch for ch in (typed or "").upper() if ch.isalnum()).translate(_READS_AS)
    return cleaned if len(cleaned) == CODE_LENGTH and set(cleaned) <= set(CODE_ALPHABET) else ""


def code_hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def _dob_checks(hashed_code: str, born: date) -> list[str]:
    # Under every configured blind-index key, the active one first: a check written before a
    # key rotation still matches while the old key stays configured (it cannot be rewritten:
    # after a purge nothing knows the date of birth).
    return crypto.blind_index_candidates(born.isoformat(), purpose=f"{DOB_PURPOSE}:{hashed_code}")


def issue_code(*, decision, kind: str) -> str:
    """A new code for the person's notice of `decision`, recorded hashed; "" when the date of
    birth is not known (the page could never match it, so the notice carries no code)."""
    born = decision.referral.date_of_birth
    if kind not in PERSON_NOTICE_KINDS or born is None:
        return ""
    code = new_code()
    hashed = code_hash(code)
    NoticeVerification.objects.create(
        decision=decision,
        kind=kind,
        issued_on=timezone.localdate(decision.decided_at),
        code_hash=hashed,
        dob_check=_dob_checks(hashed, born)[0],
    )
    return code


# --- what the page shows -------------------------------------------------------------------------
class Standing(models.TextChoices):
    STANDS = "stands", _("It stands.")
    UNDER_APPEAL = "under_appeal", _("It stands, and an appeal against it is being decided.")
    UPHELD = "upheld", _("It stands: it was upheld on appeal.")
    REPLACED = "replaced", _("It no longer stands: on appeal it was replaced by a confirmation.")
    NO_LONGER = "no_longer", _("It no longer stands.")


@dataclass(frozen=True)
class VerifiedNotice:
    reference: str
    kind: str
    issued_on: date
    standing: str
    replaced_on: date | None = None

    @property
    def is_confirmation(self) -> bool:
        return self.kind != NoticeKind.DECLINE

    @property
    def standing_label(self) -> str:
        return Standing(self.standing).label

    @property
    def still_stands(self) -> bool:
        return self.standing in (Standing.STANDS, Standing.UNDER_APPEAL, Standing.UPHELD)


def _standing(decision) -> tuple[str, date | None]:
    status = decision.referral.status
    if decision.outcome == DecisionOutcome.CONFIRMED:
        return (Standing.STANDS if status == Status.CONFIRMED else Standing.NO_LONGER), None
    if decision.stage == DecisionStage.APPEAL:
        return (Standing.STANDS if status == Status.DECLINED else Standing.NO_LONGER), None
    later = decision.referral.decisions.filter(stage=DecisionStage.APPEAL).first()
    if later is not None and later.outcome == DecisionOutcome.CONFIRMED:
        return Standing.REPLACED, timezone.localdate(later.decided_at)
    if later is not None:
        return Standing.UPHELD, None
    if status == Status.APPEALED:
        return Standing.UNDER_APPEAL, None
    return (Standing.STANDS if status == Status.DECLINED else Standing.NO_LONGER), None


def verify(*, code: str, date_of_birth: date) -> tuple[VerifiedNotice | None, object]:
    """The notice's facts and its decision when the code and the date of birth match; else
    (None, None), whichever of the two was wrong."""
    hashed = code_hash(code)
    row = (
        NoticeVerification.objects.select_related("decision__referral")
        .filter(code_hash=hashed)
        .first()
    )
    # An unknown code is compared with a random value: the same hashing and comparison work.
    expected = row.dob_check if row is not None else secrets.token_hex(16)
    matched = False
    for candidate in _dob_checks(hashed, date_of_birth):
        matched |= hmac.compare_digest(expected, candidate)
    if row is None or not matched or not normalize_code(code):
        return None, None
    standing, replaced_on = _standing(row.decision)
    facts = VerifiedNotice(
        reference=row.decision.referral.reference,
        kind=row.kind,
        issued_on=row.issued_on,
        standing=standing,
        replaced_on=replaced_on,
    )
    return facts, row.decision

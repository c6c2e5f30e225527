"""Every change to a referral. Keyword-only functions; each opens a transaction, locks the row,
checks the rule, applies the transition, writes the timeline event and any outbox rows.

Errors raised here carry no personal data: they name rules and reference numbers only.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_fsm import can_proceed

from referral_portal import outbox, private_storage
from referral_portal.business_days import NEW_YORK, add_business_days
from referral_portal.locks import lock_row
from referral_portal.roles import REFERRING, may_act_as

from .forms import submission_problems
from .history import scrub_history
from .models import (
    Attachment,
    AttachmentKind,
    EventKind,
    InformationRequest,
    Notice,
    ReferenceCounter,
    Referral,
    ReferralEvent,
    Status,
)
from .uploads import total_allowed_bytes

logger = logging.getLogger(__name__)


class SubmissionIncomplete(Exception):
    """The referral breaks a submission rule; `problems` maps step -> field -> messages."""

    def __init__(self, problems):
        super().__init__("referral is incomplete")
        self.problems = problems


class StaleReferral(Exception):
    """The referral changed since the person loaded the page (optimistic lock)."""


class NotAllowed(Exception):
    """The action is not possible for this referral in its current state."""


class TooManyAttachments(NotAllowed):
    """The draft already has REFERRAL_UPLOAD_MAX_FILES attachments. The message is written for
    people: the wizard and the API both show it as an error on the file field."""


# --- the timeline ------------------------------------------------------------------------------
def record_event(
    *,
    referral: Referral,
    actor,
    kind: str,
    note: str = "",
    visible_to_referrer: bool = True,
    from_status: str = "",
    at: datetime | None = None,
) -> ReferralEvent:
    return ReferralEvent.objects.create(
        referral=referral,
        actor=actor,
        kind=kind,
        note=note,
        visible_to_referrer=visible_to_referrer,
        from_status=from_status,
        to_status=referral.status,
        at=at or timezone.now(),
    )


def move_and_record(
    referral: Referral, transition: str, *, actor, kind: str, note: str = "", **fields
) -> ReferralEvent:
    """Take the locked referral's `transition` (its source states are the state machine's),
    set `fields`, save, and record the event from the status it left."""
    previous = referral.status
    getattr(referral, transition)()
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.save()
    return record_event(referral=referral, actor=actor, kind=kind, note=note, from_status=previous)


def _locked(referral: Referral, *, expected_version: int | None = None) -> Referral:
    locked = lock_row(Referral, referral.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleReferral(locked.reference or "draft")
    return locked


# --- drafts ------------------------------------------------------------------------------------
def may_refer(user) -> bool:
    """A referrer or organization administrator of a verified referring organization."""
    return may_act_as(user, REFERRING) and user.organization.can_refer


def start_draft(*, user) -> Referral:
    if not may_refer(user):
        raise PermissionDenied("this organization cannot refer")
    with transaction.atomic():
        referral = Referral(organization=user.organization, created_by=user)
        if user.organization.is_police:
            referral.law_enforcement_agency = user.organization.name
        referral.save()
        record_event(referral=referral, actor=user, kind=EventKind.CREATED)
    logger.info("referral draft started", extra={"object_id": str(referral.public_id)})
    return referral


def refresh_blind_indexes(referral: Referral) -> None:
    referral.refresh_blind_indexes()


def save_draft_step(*, referral: Referral, user, form) -> Referral:
    """Save one step of the wizard (a bound, valid step form) to a draft the user owns."""
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != Status.DRAFT or locked.created_by_id != user.pk:
            raise NotAllowed("only the author's drafts can change")
        form.instance = locked
        form.apply_to(locked)
        locked.step_reached = max(locked.step_reached, form.number)
        refresh_blind_indexes(locked)
        locked.save()
        form.save_related(locked)
    return locked


def discard_draft(*, referral: Referral, user) -> None:
    with transaction.atomic():
        locked = _locked(referral)
        if locked.status != Status.DRAFT or locked.created_by_id != user.pk:
            raise NotAllowed("only the author's drafts can be discarded")
        names = list(locked.attachments.values_list("stored_name", flat=True))
        pk = locked.pk
        locked.delete()
        # The history rows outlive the draft (who started it, when): without what it said, as
        # when the retention purge or the stale-draft clean-up removes a referral's data.
        scrub_history(pk)
        transaction.on_commit(lambda: [private_storage.delete(name) for name in names])


# --- submission --------------------------------------------------------------------------------
def next_reference(year: int) -> str:
    """Take the next number of the year. Must run inside the submitting transaction: the counter
    row stays locked until commit, so concurrent submissions queue here and a rolled-back
    submission gives its number back rather than leaving a gap that was never used."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"VC-{year}-{counter.last_number:06d}"


def decision_due(received: datetime) -> datetime:
    return add_business_days(received, settings.REFERRAL_DECISION_BUSINESS_DAYS)


def link_possible_duplicates(referral: Referral) -> int:
    """Earlier submitted referrals of the same person (same name index and, when both are
    known, the same date-of-birth index). Reviewers see the links; referrers never do."""
    sources = referral.blind_index_sources()
    if not sources["name_index"].strip():
        return 0
    # Matched under every configured blind-index key: rows not yet reindexed after a key
    # rotation are still found.
    same_person = Referral.blind_index_matches("name_index", sources["name_index"])
    if sources["dob_index"]:
        same_person &= Referral.blind_index_matches("dob_index", sources["dob_index"]) | Q(
            dob_index=""
        )
    earlier = (
        Referral.objects.filter(same_person)
        .exclude(status=Status.DRAFT)
        .exclude(pk=referral.pk)
        .values_list("pk", flat=True)
    )
    ids = list(earlier)
    if ids:
        referral.possible_duplicates.add(*ids)
    return len(ids)


def submit_referral(*, referral: Referral, user, expected_version: int | None = None) -> Referral:
    with transaction.atomic():
        locked = _locked(referral, expected_version=expected_version)
        if not can_proceed(locked.submit) or locked.created_by_id != user.pk:
            raise NotAllowed("only the author's drafts can be submitted")
        if not may_refer(user):
            raise PermissionDenied("this organization cannot refer")
        problems = submission_problems(locked)
        if problems:
            raise SubmissionIncomplete(problems)
        now = timezone.now()
        locked.reference = next_reference(now.astimezone(NEW_YORK).year)
        locked.submitted_at = now
        locked.submitted_by = user
        locked.due_at = decision_due(now)
        locked.minor_at_referral = locked.is_minor
        refresh_blind_indexes(locked)
        locked.submit()
        locked.save()
        link_possible_duplicates(locked)
        record_event(
            referral=locked, actor=user, kind=EventKind.SUBMITTED, from_status=Status.DRAFT
        )
        outbox.enqueue("referrals.submitted", referral=str(locked.public_id))
    logger.info("referral submitted", extra={"object_id": locked.reference})
    return locked


# --- after submission --------------------------------------------------------------------------
def withdraw_referral(
    *, referral: Referral, user, reason: str, expected_version: int | None = None
) -> Referral:
    if not reason.strip():
        raise NotAllowed("a reason is required")
    with transaction.atomic():
        locked = _locked(referral, expected_version=expected_version)
        if locked.organization_id != user.organization_id or not can_proceed(locked.withdraw):
            raise NotAllowed("this referral cannot be withdrawn")
        move_and_record(
            locked, "withdraw", actor=user, kind=EventKind.WITHDRAWN, note=reason.strip()
        )
        outbox.enqueue("referrals.withdrawn", referral=str(locked.public_id))
    logger.info("referral withdrawn", extra={"object_id": locked.reference})
    return locked


def answer_information_request(
    *, information_request: InformationRequest, user, response: str, files=()
) -> InformationRequest:
    """The referrer answers a reviewer's question (text and attachments); the referral moves
    to "information provided" and goes back to the reviewer."""
    if not response.strip():
        raise NotAllowed("an answer is required")
    with transaction.atomic():
        locked = _locked(information_request.referral)
        request = lock_row(InformationRequest, information_request.pk)
        if (
            locked.organization_id != user.organization_id
            or request.referral_id != locked.pk
            or request.is_answered
            or not can_proceed(locked.provide_information)
        ):
            raise NotAllowed("this request cannot be answered now")
        for upload in files:
            add_attachment(
                referral=locked,
                user=user,
                kind=AttachmentKind.INFORMATION_RESPONSE,
                upload=upload,
                information_request=request,
                _locked_already=True,
            )
        request.response = response.strip()
        request.responded_at = timezone.now()
        request.responded_by = user
        request.save()
        move_and_record(locked, "provide_information", actor=user, kind=EventKind.INFO_PROVIDED)
        outbox.enqueue(
            "referrals.information_provided",
            referral=str(locked.public_id),
            request=str(request.public_id),
        )
    return request


# --- files -------------------------------------------------------------------------------------
def add_attachment(
    *,
    referral: Referral,
    user,
    kind: str,
    upload,
    information_request: InformationRequest | None = None,
    _locked_already: bool = False,
) -> Attachment:
    """Store a checked upload (uploads.CheckedFile). A draft takes attachments from its author;
    after submission only answers to an information request bring files."""
    with transaction.atomic():
        locked = referral if _locked_already else _locked(referral)
        if information_request is None and (
            locked.status != Status.DRAFT or locked.created_by_id != user.pk
        ):
            raise NotAllowed("attachments can only be added to a draft")
        # Counted under the lock, so two uploads at once cannot both take the last place.
        # Answers to a reviewer's information request are not counted: the reviewer asked.
        if (
            information_request is None
            and locked.attachments.count() >= settings.REFERRAL_UPLOAD_MAX_FILES
        ):
            raise TooManyAttachments(
                "This referral already has as many files as it can take "
                f"({settings.REFERRAL_UPLOAD_MAX_FILES}). Remove one to attach another."
            )
        used = sum(locked.attachments.values_list("size", flat=True))
        if used + upload.size > total_allowed_bytes():
            raise NotAllowed("the referral's attachments would be too large")
        attachment = Attachment(
            referral=locked,
            kind=kind,
            original_name=upload.name,
            content_type=upload.content_type,
            size=upload.size,
            uploaded_by=user,
            information_request=information_request,
        )
        attachment.stored_name = private_storage.save_encrypted(
            upload.data, context=attachment.storage_context
        )
        try:
            attachment.save()
        except Exception:
            # No row, no file: an encrypted file nobody can reach is removed at once.
            private_storage.delete(attachment.stored_name)
            raise
    return attachment


def remove_attachment(*, attachment: Attachment, user) -> None:
    with transaction.atomic():
        locked = _locked(attachment.referral)
        if locked.status != Status.DRAFT or locked.created_by_id != user.pk:
            raise NotAllowed("attachments can only be removed from a draft")
        stored = attachment.stored_name
        Attachment.objects.filter(pk=attachment.pk, referral=locked).delete()
        transaction.on_commit(lambda: private_storage.delete(stored))


def store_notice(
    *, referral: Referral, kind: str, pdf: bytes, issued_by, language: str = "en"
) -> Notice:
    """Keep a rendered notice (the review app renders it and calls this), written in
    `language`."""
    if not pdf.startswith(b"%PDF-"):
        raise ValueError("a notice must be a PDF")
    with transaction.atomic():
        locked = _locked(referral)
        notice = Notice(referral=locked, kind=kind, issued_by=issued_by, language=language)
        notice.stored_name = private_storage.save_encrypted(pdf, context=notice.storage_context)
        notice.save()
        record_event(
            referral=locked,
            actor=issued_by,
            kind=EventKind.NOTICE_ISSUED,
            note="",
            visible_to_referrer=notice.for_referrer,
        )
    return notice

"""Every read that depends on who asks. Another organization's record is a 404 everywhere."""

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from referral_portal.roles import ADMINISTRATORS, REFERRING, STATE_STAFF, STATE_TEAM

from . import break_glass
from .models import REFERRER_NOTICE_KINDS, Attachment, Notice, Referral, ReferralEvent, Status


def is_referrer(user) -> bool:
    return user.is_authenticated and user.role in REFERRING


def referrals_visible_to(user) -> QuerySet[Referral]:
    """Whose content (names, narrative, files) this person may read. Referrers and organization
    administrators: their organization's submitted referrals and their own drafts. State
    reviewers and supervisors: every submitted referral. Administrators: only a referral they
    hold an active break-glass grant for (referrals.break_glass); any other is a 404, as
    another organization's record is. Anyone else (receiving agencies: see routing's
    selectors), or an inactive account: none."""
    submitted = submitted_visible_to(user)
    if is_referrer(user) and user.organization_id:
        return submitted | drafts_of(user)
    return submitted


def submitted_visible_to(user) -> QuerySet[Referral]:
    """The submitted part of referrals_visible_to, without the referrer's own drafts: lists of
    submitted referrals query it alone, so an index on (organization, submitted_at) serves
    them rather than a bitmap OR over drafts and referrals."""
    referrals = Referral.objects.exclude(status=Status.DRAFT)
    if not user.is_authenticated or not user.is_active:
        return referrals.none()
    if user.role in REFERRING:
        if not user.organization_id:
            return referrals.none()
        return referrals.filter(organization_id=user.organization_id)
    if user.role in STATE_STAFF:
        return referrals
    if user.role in ADMINISTRATORS:
        granted = break_glass.active_grants(user).filter(referral=OuterRef("pk"))
        return referrals.filter(Exists(granted))
    return referrals.none()


def referrals_listed_for(user) -> QuerySet[Referral]:
    """Every submitted referral, for lists that show reference numbers, status, dates and
    assignment only (the review queue, assignment pages): state staff and administrators.
    Only state staff see the content without a break-glass grant.
    A caller must not show a personal field from these rows; it loads only the columns it
    shows."""
    if not user.is_authenticated or not user.is_active or user.role not in STATE_TEAM:
        return Referral.objects.none()
    return Referral.objects.exclude(status=Status.DRAFT)


def referral_for(user, public_id) -> Referral:
    return get_object_or_404(
        referrals_visible_to(user).select_related("organization"), public_id=public_id
    )


def drafts_of(user) -> QuerySet[Referral]:
    if not is_referrer(user) or not user.is_active or not user.organization_id:
        return Referral.objects.none()
    return Referral.objects.filter(status=Status.DRAFT, created_by=user)


LIST_COLUMNS = (
    "public_id",
    "reference",
    "nickname",
    "status",
    "submitted_at",
    "due_at",
    "updated_at",
)


def submitted_referrals_for_list(user) -> QuerySet[Referral]:
    """The referrer's list: reference, the organization's own nickname, status and dates (never
    the person's name or other facts: those columns are not even loaded). Without those waiting
    for the referrer's answer, which the list shows first (needing_answer)."""
    return (
        submitted_visible_to(user)
        .exclude(status=Status.INFO_REQUESTED)
        .only(*LIST_COLUMNS)
        .order_by("-submitted_at")
    )


def needing_answer(user) -> QuerySet[Referral]:
    """The organization's referrals on which a reviewer waits for the referrer's answer: few,
    and listed first, on the referrals list and the home page."""
    if not is_referrer(user):
        return Referral.objects.none()
    return (
        submitted_visible_to(user)
        .filter(status=Status.INFO_REQUESTED)
        .only(*LIST_COLUMNS)
        .order_by("due_at")
    )


def own_draft(user, public_id) -> Referral:
    return get_object_or_404(drafts_of(user).select_related("organization"), public_id=public_id)


def timeline_for(user, referral: Referral) -> QuerySet[ReferralEvent]:
    events = referral.events.select_related("actor")
    if is_referrer(user):
        events = events.filter(visible_to_referrer=True)
    return events


def attachment_for(user, public_id) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("referral").filter(
            referral__in=referrals_visible_to(user)
        ),
        public_id=public_id,
    )


def notices_visible_to(user, referral: Referral) -> QuerySet[Notice]:
    notices = referral.notices.all()
    if is_referrer(user):
        notices = notices.filter(kind__in=REFERRER_NOTICE_KINDS)
    return notices


def notice_for(user, public_id) -> Notice:
    notices = Notice.objects.select_related("referral").filter(
        referral__in=referrals_visible_to(user)
    )
    if is_referrer(user):
        notices = notices.filter(kind__in=REFERRER_NOTICE_KINDS)
    return get_object_or_404(notices, public_id=public_id)


def open_information_request(referral: Referral):
    return referral.information_requests.filter(responded_at__isnull=True).first()

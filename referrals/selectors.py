"""Every read that depends on who asks. Another organization's record is a 404 everywhere."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from referral_portal.roles import STATE_STAFF, Role

from .models import REFERRER_NOTICE_KINDS, Attachment, Notice, Referral, ReferralEvent, Status

REFERRING_ROLES = frozenset({Role.REFERRER, Role.ORG_ADMIN})
ALL_SUBMITTED_ROLES = STATE_STAFF | {Role.ADMINISTRATOR}


def is_referrer(user) -> bool:
    return user.is_authenticated and user.role in REFERRING_ROLES


def referrals_visible_to(user) -> QuerySet[Referral]:
    """Referrers and organization administrators: their organization's submitted referrals and
    their own drafts. State reviewers, supervisors and administrators: every submitted referral.
    Anyone else (receiving agencies: see routing's selectors), or an inactive account: none."""
    referrals = Referral.objects.all()
    if not user.is_authenticated or not user.is_active:
        return referrals.none()
    if user.role in REFERRING_ROLES and user.organization_id:
        return referrals.filter(
            (Q(organization_id=user.organization_id) & ~Q(status=Status.DRAFT))
            | Q(status=Status.DRAFT, created_by=user)
        )
    if user.role in ALL_SUBMITTED_ROLES:
        return referrals.exclude(status=Status.DRAFT)
    return referrals.none()


def referral_for(user, public_id) -> Referral:
    return get_object_or_404(
        referrals_visible_to(user).select_related("organization"), public_id=public_id
    )


def drafts_of(user) -> QuerySet[Referral]:
    return referrals_visible_to(user).filter(status=Status.DRAFT, created_by=user)


def submitted_referrals_for_list(user) -> QuerySet[Referral]:
    """The referrer's list: reference, status and dates only (never names: those columns are
    not even loaded)."""
    return (
        referrals_visible_to(user)
        .exclude(status=Status.DRAFT)
        .only("public_id", "reference", "status", "submitted_at", "due_at", "updated_at")
        .order_by("-submitted_at")
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

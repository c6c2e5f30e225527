"""Reads that depend on who asks. Another organization's record is simply not found (404)."""

from django.db.models import Case, Count, Q, When
from django.shortcuts import get_object_or_404
from django.utils import timezone

from referral_portal.roles import ORGANIZATION_ADMINISTRATORS, may_act_as

from . import policy, signin_delays
from .models import AuditEvent, Invitation, Organization, User


def organizations_visible_to(user):
    if policy.is_acting_administrator(user):
        return Organization.objects.all()
    if may_act_as(user, ORGANIZATION_ADMINISTRATORS):
        return Organization.objects.filter(pk=user.organization_id)
    return Organization.objects.none()


def organization_for(user, public_id) -> Organization:
    return get_object_or_404(
        organizations_visible_to(user).select_related("county"), public_id=public_id
    )


def organizations_for_review(user, *, status: str = "", query: str = ""):
    """The administrators' list: applications first, then by name, with member counts."""
    rows = organizations_visible_to(user).select_related("county")
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(Q(name__icontains=query) | Q(city__icontains=query))
    return rows.annotate(
        member_count=Count("members", filter=Q(members__is_active=True)),
        # Waiting applications need a decision: they come first, oldest first.
        waiting=Case(When(status=Organization.Status.APPLIED, then=0), default=1),
    ).order_by("waiting", "applied_at" if status == Organization.Status.APPLIED else "name")


def people_visible_to(user):
    if policy.is_acting_administrator(user):
        return User.objects.all()
    if may_act_as(user, ORGANIZATION_ADMINISTRATORS):
        return User.objects.filter(organization_id=user.organization_id)
    return User.objects.none()


def person_for(user, public_id) -> User:
    return get_object_or_404(
        people_visible_to(user).select_related("organization", "organization__county"),
        public_id=public_id,
    )


def invitations_visible_to(user):
    if policy.is_acting_administrator(user):
        return Invitation.objects.all()
    if may_act_as(user, ORGANIZATION_ADMINISTRATORS):
        return Invitation.objects.filter(organization_id=user.organization_id)
    return Invitation.objects.none()


def invitation_for(user, public_id) -> Invitation:
    return get_object_or_404(
        invitations_visible_to(user).select_related("organization"), public_id=public_id
    )


def staff_of(organization: Organization) -> list[User]:
    """The organization's people, each marked `.locked_out` when their sign-in is paused
    (two queries in all)."""
    people = list(organization.members.order_by("-is_active", "last_name", "first_name"))
    paused = signin_delays.paused_usernames(person.username for person in people)
    for person in people:
        person.locked_out = signin_delays.normalize_username(person.username) in paused
    return people


def open_invitations_of(organization: Organization):
    return organization.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")


def first_administrator_application(organization: Organization) -> Invitation | None:
    """The invitation made by the public application (the first administrator's details)."""
    return organization.invitations.filter(invited_by__isnull=True).order_by("created_at").first()


def audit_trail(*, organization=None, person=None, limit: int = 25):
    events = AuditEvent.objects.select_related("actor", "subject")
    if organization is not None:
        events = events.filter(organization=organization)
    if person is not None:
        events = events.filter(subject=person)
    return events.order_by("-at")[:limit]


def is_locked_out(person: User) -> bool:
    """Whether the person's next sign-in attempt must wait (accounts/signin_delays.py)."""
    return bool(signin_delays.paused_usernames([person.username]))


def usable_invitation(token: str, *, lock: bool = False) -> Invitation | None:
    """The invitation this link's secret opens, if it can still be used: not expired, not
    used, not withdrawn, and its organization verified. Unknown, expired, used and withdrawn
    links all look the same to the person holding them."""
    if not token or len(token) > 100:
        return None
    rows = Invitation.objects.select_related("organization")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(token_hash=Invitation.hash_token(token)).first()
    if (
        invitation is None
        or not invitation.is_open
        or invitation.expires_at is None
        or invitation.expires_at <= timezone.now()
        or not invitation.organization.is_active
    ):
        return None
    return invitation

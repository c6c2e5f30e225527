"""Every change to organizations, invitations and accounts.

Each function takes keyword arguments, runs in one transaction, locks the row it changes,
checks the rule, applies the change, writes an AuditEvent (who, when, what, why) and queues
side effects (e-mail) as outbox rows. Views, admin actions and tasks call these; nothing else
writes. Errors meant for the person on screen are `AccountRuleError` with a plain message.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django_fsm import can_proceed

from referral_portal import outbox
from referral_portal.locks import lock_row, lock_row_or_none
from referral_portal.roles import Role

from . import policy, signin_delays
from .models import AuditEvent, Invitation, Organization, User
from .selectors import usable_invitation
from .usernames import assigned_username

Status = Organization.Status
Action = AuditEvent.Action


class AccountRuleError(Exception):
    """A change the rules do not allow; the message is safe to show to the person acting."""


@dataclass(frozen=True)
class Decision:
    """A decision on an organization: `verb` names its transition on Organization, which
    declares the statuses it moves from and to."""

    verb: str
    label: str
    action: str

    def transition(self, organization: Organization):
        return getattr(organization, self.verb)

    @property
    def to_status(self) -> str:
        meta = getattr(Organization, self.verb)._django_fsm
        [target] = {step.target for step in meta.transitions.values()}
        return target


DECISIONS = {
    "verify": Decision("verify", "Verify", Action.ORGANIZATION_VERIFIED),
    "decline": Decision("decline", "Decline", Action.ORGANIZATION_DECLINED),
    "suspend": Decision("suspend", "Suspend", Action.ORGANIZATION_SUSPENDED),
    "reinstate": Decision("reinstate", "Reinstate", Action.ORGANIZATION_REINSTATED),
}


def decisions_for(organization: Organization) -> list[Decision]:
    return [d for d in DECISIONS.values() if can_proceed(d.transition(organization))]


def _audit(action, *, actor=None, organization=None, subject=None, invitation=None, reason=""):
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        organization=organization,
        subject=subject,
        invitation=invitation,
        reason=reason[:500],
    )


def _audit_person(action, person, *, actor=None, reason=""):
    """An audit event about a person, filed under their organization."""
    return _audit(
        action, actor=actor, organization=person.organization, subject=person, reason=reason
    )


def _require_administrator(actor):
    if not policy.is_acting_administrator(actor):
        raise AccountRuleError("Only an administrator can do this.")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AccountRuleError("Give a reason; it is kept in the record of this change.")
    return reason


def _end_sessions_of(users) -> int:
    """End every signed-in session of these people. UserSession rows exist for every
    authenticated session (USERSESSIONS_TRACK_ACTIVITY); ending one deletes the server session."""
    ended = 0
    for user_session in UserSession.objects.filter(user__in=users):
        user_session.end()
        ended += 1
    return ended


# --- organizations -------------------------------------------------------------------------


def apply_for_access(
    *, organization: Organization, first_name, last_name, email, job_title, phone
) -> Organization:
    """The public application: an organization and its first administrator, whose invitation
    waits until the State verifies the organization."""
    if organization.pk is not None or organization.status != Status.APPLIED:
        raise AccountRuleError("An application is for a new organization.")
    with transaction.atomic():
        organization.status_reason = ""
        organization.verified_at = None
        organization.save()
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            phone=phone,
            role=Role.ORG_ADMIN,
        )
        _audit(Action.ORGANIZATION_APPLIED, organization=organization, invitation=invitation)
        outbox.enqueue("accounts.application_received", organization_id=organization.pk)
    return organization


def decide_organization(*, organization: Organization, actor, decision: str, reason: str):
    """Verify or decline an application; suspend or reinstate a verified organization."""
    _require_administrator(actor)
    reason = _require_reason(reason)
    step = DECISIONS.get(decision)
    if step is None:
        raise AccountRuleError("Choose what to do with this organization.")
    with transaction.atomic():
        organization = lock_row(Organization, organization.pk)
        if not can_proceed(step.transition(organization)):
            raise AccountRuleError(
                f"This organization is {organization.get_status_display().lower()}, so it "
                f"cannot be {step.to_status} now."
            )
        if (
            step.to_status == Status.VERIFIED
            and organization.is_provider
            and not (organization.designating_agency and organization.designation_date)
        ):
            raise AccountRuleError(
                "A provider needs its designating agency and designation date before it can "
                "be verified."
            )
        now = timezone.now()
        step.transition(organization)(reason=reason, at=now)
        organization.save(update_fields=["status", "status_reason", "verified_at"])
        _audit(step.action, actor=actor, organization=organization, reason=reason)
        waiting = organization.invitations.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, released_at__isnull=True
        )
        if step.to_status == Status.VERIFIED:
            for invitation in waiting:
                invitation.released_at = now
                invitation.save(update_fields=["released_at"])
                outbox.enqueue("accounts.send_invitation", invitation_id=invitation.pk)
        elif step.to_status == Status.DECLINED:
            for invitation in waiting:
                invitation.revoked_at = now
                invitation.save(update_fields=["revoked_at"])
                outbox.enqueue("accounts.application_declined", invitation_id=invitation.pk)
        elif step.to_status == Status.SUSPENDED:
            # Sign-in and every later request are refused by the backend (may_act); ending the
            # sessions now also stops a page already open from being used.
            _end_sessions_of(organization.members.all())
    return organization


# One service per decision, each `decide_organization` with its decision fixed.
verify_organization = partial(decide_organization, decision="verify")
decline_organization = partial(decide_organization, decision="decline")
suspend_organization = partial(decide_organization, decision="suspend")
reinstate_organization = partial(decide_organization, decision="reinstate")


# The details an administrator may correct: where and how to reach the organization, and (for
# providers) its designation. The application form asks for the same fields.
ORGANIZATION_CONTACT_FIELDS = (
    "name",
    "kind",
    "county",
    "street_address",
    "city",
    "postal_code",
    "phone",
)
ORGANIZATION_DESIGNATION_FIELDS = ("designating_agency", "designation_date")
ORGANIZATION_DETAIL_FIELDS = (*ORGANIZATION_CONTACT_FIELDS, *ORGANIZATION_DESIGNATION_FIELDS)


def _correct_details(
    model, row, *, actor, reason: str, changes: dict, fields, refusal: str, check, record
):
    """The one flow of an administrator's correction: refuse fields outside `fields`, lock the
    row, set only the values that differ, `check(locked, changed)`, save those fields and
    `record(locked, changed, reason)` (audit and side effects) with the changed names in the
    reason. Nothing changed: nothing is saved or recorded."""
    _require_administrator(actor)
    reason = _require_reason(reason)
    if set(changes) - set(fields):
        raise AccountRuleError(refusal)
    with transaction.atomic():
        locked = lock_row(model, row.pk)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, changes[name])
        check(locked, changed)
        locked.save(update_fields=changed)
        record(locked, changed, f"{reason} (changed: {', '.join(changed)})")
    return locked


def update_organization(*, organization: Organization, actor, reason: str, changes: dict):
    """An administrator corrects an organization's details (never its status)."""

    def record(locked, changed, reason):
        _audit(Action.ORGANIZATION_UPDATED, actor=actor, organization=locked, reason=reason)

    return _correct_details(
        Organization,
        organization,
        actor=actor,
        reason=reason,
        changes=changes,
        fields=ORGANIZATION_DETAIL_FIELDS,
        refusal="Only an organization's details can be changed here.",
        check=lambda locked, changed: locked.full_clean(),
        record=record,
    )


# --- invitations ---------------------------------------------------------------------------


def invite_person(
    *, organization: Organization, actor, email, first_name, last_name, job_title, phone, role
) -> Invitation:
    if not policy.may_manage_organization(actor, organization):
        raise AccountRuleError("You cannot invite people into this organization.")
    if role not in policy.grantable_roles(actor, organization):
        raise AccountRuleError("You cannot give that role in this organization.")
    with transaction.atomic():
        organization = lock_row(Organization, organization.pk)
        if not organization.is_active:
            raise AccountRuleError("People can be invited only into a verified organization.")
        if User.objects.filter(email__iexact=email).exists():
            raise AccountRuleError(
                "An account with this e-mail address already exists. If the person moved "
                "from another organization, ask a State administrator to move the account."
            )
        if organization.invitations.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).exists():
            raise AccountRuleError(
                "An invitation to this address is already open. Send it again or withdraw it."
            )
        invitation = Invitation.objects.create(
            organization=organization,
            email=email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            phone=phone,
            role=role,
            invited_by=actor,
            released_at=timezone.now(),
        )
        _audit(
            Action.INVITATION_CREATED, actor=actor, organization=organization, invitation=invitation
        )
        outbox.enqueue("accounts.send_invitation", invitation_id=invitation.pk)
    return invitation


def issue_invitation_token(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """Mint the link's secret when the e-mail goes out (called by the outbox handler). Returns
    None when the invitation can no longer be used, so nothing is sent."""
    with transaction.atomic():
        invitation = lock_row_or_none(
            Invitation.objects.select_related("organization"), invitation_id
        )
        if (
            invitation is None
            or not invitation.is_open
            or invitation.released_at is None
            or not invitation.organization.is_active
        ):
            return None
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        invitation.token_hash = Invitation.hash_token(token)
        invitation.sent_at = now
        invitation.expires_at = now + timedelta(hours=settings.INVITATION_VALID_HOURS)
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _audit(Action.INVITATION_SENT, organization=invitation.organization, invitation=invitation)
    return invitation, token


def _locked_open_invitation(invitation, actor) -> Invitation:
    invitation = lock_row(Invitation.objects.select_related("organization"), invitation.pk)
    if not policy.may_manage_organization(actor, invitation.organization):
        raise AccountRuleError("You cannot change this invitation.")
    if not invitation.is_open:
        raise AccountRuleError("This invitation was already accepted or withdrawn.")
    return invitation


def resend_invitation(*, invitation: Invitation, actor) -> Invitation:
    """Send a new link; the old one stops working at once."""
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation, actor)
        if invitation.released_at is None:
            raise AccountRuleError("This invitation is sent when the organization is verified.")
        invitation.token_hash = ""
        invitation.sent_at = None
        invitation.expires_at = None
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        _audit(
            Action.INVITATION_RESENT,
            actor=actor,
            organization=invitation.organization,
            invitation=invitation,
        )
        outbox.enqueue("accounts.send_invitation", invitation_id=invitation.pk)
    return invitation


def revoke_invitation(*, invitation: Invitation, actor, reason: str = "") -> Invitation:
    with transaction.atomic():
        invitation = _locked_open_invitation(invitation, actor)
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        _audit(
            Action.INVITATION_REVOKED,
            actor=actor,
            organization=invitation.organization,
            invitation=invitation,
            reason=(reason or "").strip(),
        )
    return invitation


def accept_invitation(*, token: str, password: str) -> User:
    """Open the account the invitation was for, under the username the portal assigns to it
    (accounts/usernames.py). Works once: the invitation is marked used in the same
    transaction. The person must still enrol an authenticator before anything else
    (accounts.middleware.MandatoryMFAMiddleware)."""
    with transaction.atomic():
        invitation = usable_invitation(token, lock=True)
        if invitation is None:
            raise AccountRuleError("This invitation link has expired or has already been used.")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise AccountRuleError(
                "An account with this e-mail address already exists. Ask your organization's "
                "administrator for help."
            )
        user = User(
            username=assigned_username(invitation),
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            email=invitation.email,
            job_title=invitation.job_title,
            phone=invitation.phone,
            role=invitation.role,
            organization=invitation.organization,
        )
        validate_password(password, user)
        user.set_password(password)
        user.save()
        # Opening the e-mailed link proves the address, which password reset relies on.
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _audit(
            Action.INVITATION_ACCEPTED,
            actor=user,
            organization=invitation.organization,
            subject=user,
            invitation=invitation,
        )
    return user


# --- people --------------------------------------------------------------------------------


def _locked_person(person, actor) -> User:
    if not policy.may_manage_person(actor, person):
        raise AccountRuleError("You cannot change this account.")
    return lock_row(User, person.pk)


def deactivate_person(*, person: User, actor, reason: str) -> User:
    reason = _require_reason(reason)
    with transaction.atomic():
        person = _locked_person(person, actor)
        if not person.is_active:
            raise AccountRuleError("This account is already deactivated.")
        person.is_active = False
        person.deactivated_reason = reason
        person.save(update_fields=["is_active", "deactivated_reason"])
        _end_sessions_of([person])
        _audit_person(Action.PERSON_DEACTIVATED, person, actor=actor, reason=reason)
    return person


def reactivate_person(*, person: User, actor, reason: str) -> User:
    reason = _require_reason(reason)
    with transaction.atomic():
        person = _locked_person(person, actor)
        if person.is_active:
            raise AccountRuleError("This account is already active.")
        person.is_active = True
        person.deactivated_reason = ""
        person.reactivated_at = timezone.now()
        person.save(update_fields=["is_active", "deactivated_reason", "reactivated_at"])
        _audit_person(Action.PERSON_REACTIVATED, person, actor=actor, reason=reason)
    return person


def end_sessions(*, person: User, actor, reason: str = "") -> int:
    with transaction.atomic():
        person = _locked_person(person, actor)
        ended = _end_sessions_of([person])
        _audit_person(
            Action.SESSIONS_ENDED,
            person,
            actor=actor,
            reason=(reason or "").strip() or f"{ended} session(s) ended",
        )
    return ended


def release_lockout(*, person: User, actor) -> int:
    """End the person's sign-in pause at once: their username's failures are forgotten (the
    address's stay, they are not the person's), and so is allauth's count of wrong
    authenticator codes, after commit and without failing the release if Redis is down."""
    with transaction.atomic():
        person = _locked_person(person, actor)
        removed = signin_delays.clear_username(person.username)
        transaction.on_commit(
            lambda: signin_delays.clear_authenticator_code_limit(person), robust=True
        )
        _audit_person(Action.LOCKOUT_RELEASED, person, actor=actor)
    return removed


def reset_authenticator(*, person: User, actor, reason: str) -> int:
    """Remove a person's authenticator app and recovery codes after an administrator has
    checked who is asking (ASVS V6.4.4), e.g. for a lost phone. Their sessions end; at the next
    sign-in they must set up a new app before anything else."""
    _require_administrator(actor)
    reason = _require_reason(reason)
    with transaction.atomic():
        person = _locked_person(person, actor)
        removed, _ = Authenticator.objects.filter(user=person).delete()
        _end_sessions_of([person])
        _audit_person(Action.AUTHENTICATOR_RESET, person, actor=actor, reason=reason)
    return removed


PERSON_DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "job_title",
    "phone",
    "role",
    "organization",
)


def update_person(*, person: User, actor, reason: str, changes: dict) -> User:
    """An administrator corrects an account's details, role or organization."""

    def check(locked, changed):
        organization = locked.organization
        if organization and locked.role not in policy.ROLES_FOR_KIND[organization.kind]:
            raise AccountRuleError("That role does not exist in this kind of organization.")
        if "email" in changed and (
            User.objects.filter(email__iexact=locked.email).exclude(pk=locked.pk).exists()
        ):
            raise AccountRuleError("Another account already uses this e-mail address.")

    def record(locked, changed, reason):
        if "email" in changed:
            # The administrator vouches for the new address (an unverified one would block
            # enrolling a new authenticator).
            EmailAddress.objects.filter(user=locked).delete()
            EmailAddress.objects.create(
                user=locked, email=locked.email, primary=True, verified=True
            )
        if {"role", "organization"} & set(changed):
            # What the person may see changed: make them sign in again.
            _end_sessions_of([locked])
        _audit_person(Action.PERSON_UPDATED, locked, actor=actor, reason=reason)

    return _correct_details(
        User,
        person,
        actor=actor,
        reason=reason,
        changes=changes,
        fields=PERSON_DETAIL_FIELDS,
        refusal="Only an account's details can be changed here.",
        check=check,
        record=record,
    )


def disable_inactive_accounts(*, now=None) -> int:
    """Disable accounts nobody has signed in to for ACCOUNT_INACTIVITY_DISABLE_DAYS (CJIS
    AC-2(3)). An account counts as used when it was opened, signed in to or reactivated."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ACCOUNT_INACTIVITY_DISABLE_DAYS)
    reason = f"Not used for {settings.ACCOUNT_INACTIVITY_DISABLE_DAYS} days"
    disabled = 0
    with transaction.atomic():
        stale = (
            User.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(is_active=True)
            # PostgreSQL's GREATEST skips NULLs: never signed in or never reactivated is fine.
            .alias(last_used=Greatest("date_joined", "last_login", "reactivated_at"))
            .filter(Q(last_used__lt=cutoff))
            .select_related("organization")
        )
        for person in stale:
            person.is_active = False
            person.deactivated_reason = reason
            person.save(update_fields=["is_active", "deactivated_reason"])
            _end_sessions_of([person])
            _audit_person(Action.PERSON_DISABLED_INACTIVE, person, reason=reason)
            disabled += 1
    return disabled

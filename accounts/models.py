import hashlib
import uuid

import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_fsm import FSMField, FSMModelMixin, transition

from referral_portal.models import County
from referral_portal.roles import ADMINISTRATORS, Role


# Change history by database trigger (docs/security.md, "Audit"). Password hashes and the
# last-sign-in stamp are left out: one is a secret, the other changes at every sign-in and would
# bury the changes that matter.
@pghistory.track()
class Organization(FSMModelMixin, models.Model):
    class Kind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law-enforcement agency"
        DISTRICT_ATTORNEY = "district_attorney", "District attorney's office"
        SOCIAL_SERVICES_PROVIDER = "social_services_provider", "Social-services provider"
        LEGAL_SERVICES_PROVIDER = "legal_services_provider", "Legal-services provider"
        STATE_AGENCY = "state_agency", "State agency (OTDA or DCJS)"
        LOCAL_DSS = "local_dss", "Local department of social services"
        RHTP_PROVIDER = "rhtp_provider", "RHTP provider"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        VERIFIED = "verified", "Verified"
        DECLINED = "declined", "Declined"
        SUSPENDED = "suspended", "Suspended"
        REINSTATED = "reinstated", "Reinstated"

    class DesignatingAgency(models.TextChoices):
        OTDA = "OTDA", "Office of Temporary and Disability Assistance"
        OPDV = "OPDV", "Office for the Prevention of Domestic Violence"
        OVS = "OVS", "Office of Victim Services"

    REFERRING_KINDS = frozenset(
        {
            Kind.LAW_ENFORCEMENT,
            Kind.DISTRICT_ATTORNEY,
            Kind.SOCIAL_SERVICES_PROVIDER,
            Kind.LEGAL_SERVICES_PROVIDER,
        }
    )
    PROVIDER_KINDS = frozenset({Kind.SOCIAL_SERVICES_PROVIDER, Kind.LEGAL_SERVICES_PROVIDER})
    POLICE_KINDS = frozenset({Kind.LAW_ENFORCEMENT, Kind.DISTRICT_ATTORNEY})
    ACTIVE_STATUSES = frozenset({Status.VERIFIED, Status.REINSTATED})

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="organizations")
    street_address = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=30)
    designating_agency = models.CharField(max_length=4, choices=DesignatingAgency, blank=True)
    designation_date = models.DateField(null=True, blank=True)
    # Changed only by the transitions below (django-fsm-2, protected), which accounts.services
    # calls with the row locked; the database refuses an unknown value (org_status_valid).
    status = FSMField(max_length=12, choices=Status, default=Status.APPLIED, protected=True)
    status_reason = models.CharField(max_length=500, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "kind"], name="org_status_kind_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["social_services_provider", "legal_services_provider"])
                | Q(status="applied")
                | Q(status="declined")
                | (~Q(designating_agency="") & Q(designation_date__isnull=False)),
                name="org_provider_designated",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["applied", "verified", "declined", "suspended", "reinstated"]
                ),
                name="org_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "law_enforcement",
                        "district_attorney",
                        "social_services_provider",
                        "legal_services_provider",
                        "state_agency",
                        "local_dss",
                        "rhtp_provider",
                    ]
                ),
                name="org_kind_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Cleaning a field assigns it back, which the protected status refuses; its transitions
        # and the org_status_valid constraint keep it valid.
        super().clean_fields(exclude={*(exclude or ()), "status"})

    # --- transitions: the State's decisions on the organization, each with its reason ----------
    @transition(field=status, source=Status.APPLIED, target=Status.VERIFIED)
    def verify(self, *, reason: str, at):
        self.status_reason = reason
        self.verified_at = at

    @transition(field=status, source=Status.APPLIED, target=Status.DECLINED)
    def decline(self, *, reason: str, at):
        self.status_reason = reason

    @transition(field=status, source=list(ACTIVE_STATUSES), target=Status.SUSPENDED)
    def suspend(self, *, reason: str, at):
        self.status_reason = reason

    @transition(field=status, source=Status.SUSPENDED, target=Status.REINSTATED)
    def reinstate(self, *, reason: str, at):
        self.status_reason = reason

    @property
    def is_provider(self) -> bool:
        """A social or legal services provider (refers only with written consent)."""
        return self.kind in self.PROVIDER_KINDS

    @property
    def is_police(self) -> bool:
        """A law-enforcement agency or a district attorney's office."""
        return self.kind in self.POLICE_KINDS

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_refer(self) -> bool:
        return self.is_active and self.kind in self.REFERRING_KINDS


@pghistory.track(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person using the portal. Belongs to exactly one organization and holds one role."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", null=True
    )
    role = models.CharField(max_length=20, choices=Role, default=Role.REFERRER)
    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    deactivated_reason = models.CharField(max_length=500, blank=True)
    # A reactivated account counts as used from this moment, so the inactivity sweep does not
    # disable it again at once (last_login is still the old one).
    reactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "role"], name="user_org_role_idx")]
        constraints = [
            # One account per e-mail address: invitations go to an address, and a second
            # account for the same person would split their history.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in Role]), name="user_role_valid"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # The Django admin is the administrators' tool and theirs only.
        self.is_staff = self.role in ADMINISTRATORS
        super().save(*args, **kwargs)
        from .roles import group_for

        role_group = group_for(self.role)
        if list(self.groups.all()) != [role_group]:
            self.groups.set([role_group])

    @property
    def is_administrator(self) -> bool:
        return self.role in ADMINISTRATORS

    @property
    def may_act(self) -> bool:
        """Only active people in a verified (or reinstated) organization can do anything."""
        return self.is_active and self.organization is not None and self.organization.is_active


class Invitation(models.Model):
    """A single-use e-mailed link to open an account in one organization with one role.

    Only the SHA-256 of the token is stored. The token is minted when the e-mail is sent
    (accounts.handlers), so sending again replaces the earlier link; the first administrator's
    invitation waits, unsent, until the State verifies the organization."""

    class State(models.TextChoices):
        AWAITING_VERIFICATION = "awaiting_verification", "Waiting for verification"
        PENDING = "pending", "Being sent"
        SENT = "sent", "Sent"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Withdrawn"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    role = models.CharField(max_length=20, choices=Role)
    invited_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the organization may use it (at once for staff, on verification for applicants).
    released_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="invitation"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="invitation_token_unique"
            ),
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True, accepted_by__isnull=True)
                | Q(accepted_at__isnull=False, accepted_by__isnull=False),
                name="invitation_accepted_has_account",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
            models.CheckConstraint(
                condition=Q(token_hash="") | Q(expires_at__isnull=False, sent_at__isnull=False),
                name="invitation_token_expires",
            ),
            models.CheckConstraint(
                condition=Q(role__in=[role.value for role in Role]), name="invitation_role_valid"
            ),
        ]

    def __str__(self):
        return f"Invitation {self.public_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.released_at is None:
            return self.State.AWAITING_VERIFICATION
        if not self.token_hash:
            return self.State.PENDING
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.SENT

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AuditEvent(models.Model):
    """Who changed what, when and why, for organizations and accounts. Append-only: a
    database trigger refuses updates and deletes."""

    class Action(models.TextChoices):
        ORGANIZATION_APPLIED = "organization.applied", "Organization applied for access"
        ORGANIZATION_VERIFIED = "organization.verified", "Organization verified"
        ORGANIZATION_DECLINED = "organization.declined", "Application declined"
        ORGANIZATION_SUSPENDED = "organization.suspended", "Organization suspended"
        ORGANIZATION_REINSTATED = "organization.reinstated", "Organization reinstated"
        ORGANIZATION_UPDATED = "organization.updated", "Organization details changed"
        INVITATION_CREATED = "invitation.created", "Invitation created"
        INVITATION_SENT = "invitation.sent", "Invitation e-mailed"
        INVITATION_RESENT = "invitation.resent", "Invitation sent again"
        INVITATION_REVOKED = "invitation.revoked", "Invitation withdrawn"
        INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted, account opened"
        PERSON_UPDATED = "person.updated", "Account details changed"
        PERSON_DEACTIVATED = "person.deactivated", "Account deactivated"
        PERSON_REACTIVATED = "person.reactivated", "Account reactivated"
        PERSON_DISABLED_INACTIVE = "person.disabled_inactive", "Account disabled after inactivity"
        SESSIONS_ENDED = "person.sessions_ended", "Sessions ended"
        LOCKOUT_RELEASED = "person.lockout_released", "Sign-in lockout released"
        AUTHENTICATOR_RESET = "person.authenticator_reset", "Authenticator app reset"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=60, choices=Action)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invitation = models.ForeignKey(
        "Invitation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        triggers = [
            pgtrigger.Protect(
                name="audit_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class SignInFailures(models.Model):
    """Failed sign-ins counted per username typed and per caller's address, so that each
    further attempt can be made to wait (accounts/signin_delays.py). Kept in PostgreSQL, not
    Redis, so the limit holds when the cache is down. Neither the username nor the address is
    stored: `key_hash` is a keyed hash (HMAC with the blind-index key) of the folded username or
    of the address, so the table says nothing to someone who reads it without the key."""

    class Scope(models.TextChoices):
        USERNAME = "username", "Username"
        ADDRESS = "address", "Address"

    scope = models.CharField(max_length=10, choices=Scope)
    key_hash = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    # No attempt for this username (or from this address) is checked before this moment.
    wait_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_hash"], name="sign_in_failures_key"),
            models.CheckConstraint(
                condition=Q(scope__in=["username", "address"]), name="sign_in_failures_scope"
            ),
        ]
        indexes = [models.Index(fields=["last_failure_at"], name="sign_in_failures_age")]

    def __str__(self):
        return f"{self.scope} {self.key_hash[:8]}: {self.failures}"

import uuid

import pgtrigger
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from referral_portal.models import County
from referral_portal.roles import Role


class Organization(models.Model):
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
    status = models.CharField(max_length=12, choices=Status, default=Status.APPLIED)
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
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_refer(self) -> bool:
        return self.is_active and self.kind in self.REFERRING_KINDS


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

    class Meta:
        indexes = [models.Index(fields=["organization", "role"], name="user_org_role_idx")]

    def __str__(self):
        return self.get_full_name() or self.username

    def save(self, *args, **kwargs):
        # The Django admin is the administrators' tool and theirs only.
        self.is_staff = self.role == Role.ADMINISTRATOR
        super().save(*args, **kwargs)
        from .roles import group_for

        role_group = group_for(self.role)
        if list(self.groups.all()) != [role_group]:
            self.groups.set([role_group])

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def may_act(self) -> bool:
        """Only active people in a verified (or reinstated) organization can do anything."""
        return self.is_active and self.organization is not None and self.organization.is_active


class AuditEvent(models.Model):
    """Who changed what, when and why, for organizations and accounts. Append-only: a
    database trigger refuses updates and deletes."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=60)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
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

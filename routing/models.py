"""Where confirmed cases go, and what happened to each one after it was sent.

The directory (districts, RHTP regions and providers, and the county map joining them) is kept
current by administrators in the Django admin. A RoutingDelivery is one confirmed referral sent
to one receiving organization; its outcome reports close the loop the 2025 audit found open.
"""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import FSMField, transition

from referral_portal.fields import EncryptedCharField, EncryptedTextField

from . import public_addresses

DEMO_HELP = "Ticked while the value is a placeholder. Untick once the real value is entered."


class IntakeContact(models.Model):
    """How a receiving agency takes in new cases. Shipped values are demo placeholders."""

    intake_phone = models.CharField("intake phone", max_length=30)
    intake_email = models.EmailField(
        "intake e-mail",
        help_text="Also told of every new case (a link and a reference number only).",
    )
    intake_address = models.CharField("intake address", max_length=300)
    intake_hours = models.CharField("intake hours", max_length=100, blank=True)
    contact_is_demo = models.BooleanField(
        "contact details are demo data", default=True, help_text=DEMO_HELP
    )

    class Meta:
        abstract = True


class District(IntakeContact):
    """A social services district: one of 57 counties, or New York City (five counties)."""

    name = models.CharField(max_length=100, unique=True)
    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.PROTECT, related_name="district"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RhtpRegion(models.Model):
    """A Response to Human Trafficking Program region, served by one provider."""

    name = models.CharField(max_length=100, unique=True)
    is_demo = models.BooleanField("region is demo data", default=True, help_text=DEMO_HELP)

    class Meta:
        ordering = ["name"]
        verbose_name = "RHTP region"

    def __str__(self):
        return self.name


class RhtpProvider(IntakeContact):
    """The contracted case-management provider of one RHTP region."""

    region = models.OneToOneField(RhtpRegion, on_delete=models.PROTECT, related_name="provider")
    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.PROTECT, related_name="rhtp_provider"
    )

    class Meta:
        ordering = ["region__name"]
        verbose_name = "RHTP provider"

    def __str__(self):
        return str(self.organization)


class CountyCoverage(models.Model):
    """Which district and which RHTP region serve the people living in one county."""

    county = models.OneToOneField(
        "referral_portal.County",
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="coverage",
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="counties")
    rhtp_region = models.ForeignKey(
        RhtpRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="counties",
        verbose_name="RHTP region",
    )
    region_is_demo = models.BooleanField(
        "region assignment is demo data", default=True, help_text=DEMO_HELP
    )

    class Meta:
        ordering = ["county__name"]
        verbose_name = "county coverage"
        verbose_name_plural = "county coverage"

    def __str__(self):
        return str(self.county)


def validate_webhook_url(url: str) -> None:
    parts = urlsplit(url)
    allowed = {"https", "http"} if settings.ROUTING_WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationError("Enter an https:// address.")
    if parts.username or parts.password:
        raise ValidationError("Do not put a user name or password in the address.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        public_addresses.check_host(parts.hostname, port)
    except (ValueError, public_addresses.AddressRefused, public_addresses.AddressUnresolved):
        # One message whether the name is unknown or private: no map of the internal network.
        raise ValidationError("Enter the address of a server on the public internet.") from None


class RoutingEndpoint(models.Model):
    """A receiving organization's own system, told of each new case by a signed POST."""

    # What the encrypted secret is bound to (referral_portal.fields); never shown.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.OneToOneField(
        "accounts.Organization", on_delete=models.CASCADE, related_name="routing_endpoint"
    )
    url = models.URLField("webhook address", max_length=300, validators=[validate_webhook_url])
    secret = EncryptedCharField(
        max_length=200, help_text="Shared secret for the X-Portal-Signature header."
    )
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "webhook endpoint"

    def __str__(self):
        return f"Webhook of {self.organization}"


class Destination(models.TextChoices):
    DISTRICT = "district", "Local department of social services"
    RHTP_PROVIDER = "rhtp_provider", "RHTP provider"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


# A receiving agency's cases, those needing action first: not yet acknowledged, then no outcome
# yet, then by deadline, newest first. Declared once for the list (routing.selectors) and the
# index that reads it in order (delivery_agency_cases_idx).
CASE_ORDER = (
    models.ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=models.BooleanField()),
    models.ExpressionWrapper(Q(first_outcome_at__isnull=False), output_field=models.BooleanField()),
    models.F("acknowledge_due_at").asc(),
    models.F("routed_at").desc(),
)
REACHED_PORTAL = Q(portal_delivered_at__isnull=False)


class RoutingDelivery(models.Model):
    """One confirmed referral sent to one receiving organization.

    Written by the confirmation's transaction with an outbox row; a worker then makes the case
    visible to the organization, tells its people, and calls its webhook if it has one.
    """

    Destination = Destination
    State = DeliveryState

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="deliveries"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="routed_deliveries"
    )
    destination = models.CharField(max_length=20, choices=Destination)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    rhtp_provider = models.ForeignKey(
        RhtpProvider, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    appears_eligible = models.BooleanField("appears eligible for public assistance")
    child_welfare_pathway = models.BooleanField(default=False)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(default=timezone.now)

    # Delivery: the case reaches the portal once; the webhook is tried until it answers 2xx.
    # Changed only by the transitions below (django-fsm-2). Not protected, so the load-test seed
    # (scripts/bench_seed.py) can copy a delivery in any state for bulk_create; the portal's code
    # never assigns it.
    state = FSMField(max_length=12, choices=DeliveryState, default=DeliveryState.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    portal_delivered_at = models.DateTimeField(null=True, blank=True)
    receivers_notified_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    # Closing the loop: deadlines in business days from arrival, reminders and escalations.
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    first_contact_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    first_outcome_at = models.DateTimeField(null=True, blank=True)
    acknowledge_reminded_at = models.DateTimeField(null=True, blank=True)
    acknowledge_escalated_at = models.DateTimeField(null=True, blank=True)
    contact_reminded_at = models.DateTimeField(null=True, blank=True)
    contact_escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-routed_at", "-id"]
        verbose_name_plural = "routing deliveries"
        indexes = [
            models.Index(fields=["organization", "routed_at"], name="delivery_org_idx"),
            models.Index(fields=["state", "next_attempt_at"], name="delivery_state_idx"),
            # The administrators' list, newest first (the default ordering).
            models.Index(fields=["-routed_at", "-id"], name="delivery_recent_idx"),
            models.Index(
                models.F("organization"),
                *CASE_ORDER,
                condition=REACHED_PORTAL,
                name="delivery_agency_cases_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "organization"], name="delivery_once_per_organization"
            ),
            models.CheckConstraint(
                condition=Q(
                    destination="district", district__isnull=False, rhtp_provider__isnull=True
                )
                | Q(
                    destination="rhtp_provider", rhtp_provider__isnull=False, district__isnull=True
                ),
                name="delivery_destination_matches",
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="delivery_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="delivered")
                | Q(portal_delivered_at__isnull=False, delivered_at__isnull=False),
                name="delivery_delivered_has_times",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="delivery_acknowledged_consistently",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(portal_delivered_at__isnull=False),
                name="delivery_acknowledged_after_arrival",
            ),
        ]

    def __str__(self):
        return f"{self.referral} to {self.organization}"

    # --- transitions: called by routing.services and routing.handlers with the row locked -------
    @transition(field=state, source=DeliveryState.QUEUED, target=DeliveryState.DELIVERED)
    def mark_delivered(self, *, at):
        """The case is in the portal, and the webhook (if the organization has one) answered."""
        self.delivered_at = at
        self.next_attempt_at = None

    @transition(field=state, source=DeliveryState.QUEUED, target=DeliveryState.FAILED)
    def fail(self):
        """The webhook failed its last allowed try."""
        self.next_attempt_at = None

    @transition(
        field=state,
        source=[DeliveryState.QUEUED, DeliveryState.FAILED],
        target=DeliveryState.QUEUED,
    )
    def send_again(self, *, at):
        """Failed, or queued but stuck: tried again from `at`, with a fresh count of tries."""
        self.attempts = 0
        self.last_error = ""
        self.next_attempt_at = at

    @property
    def directory_entry(self) -> District | RhtpProvider:
        return self.district if self.destination == Destination.DISTRICT else self.rhtp_provider

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def acknowledgement_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        due = self.acknowledge_due_at
        return not self.is_acknowledged and due is not None and due < now

    def first_contact_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        due = self.first_contact_due_at
        return self.first_outcome_at is None and due is not None and due < now


class Outcome(models.TextChoices):
    CONTACTED = "contacted", "Contacted the person"
    COULD_NOT_REACH = "could_not_reach", "Could not reach the person"
    SERVICES_STARTED = "services_started", "Services started"
    BENEFITS_APPLIED = "benefits_applied", "Benefits applied for"
    DECLINED_SERVICES = "declined_services", "Person declined services"
    TRANSFERRED = "transferred", "Transferred to another agency"


class OutcomeReport(models.Model):
    """What the receiving agency did. The note is private to the agency and state staff."""

    Outcome = Outcome

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    delivery = models.ForeignKey(
        RoutingDelivery, on_delete=models.PROTECT, related_name="outcome_reports"
    )
    outcome = models.CharField(max_length=20, choices=Outcome)
    transferred_to = models.CharField(max_length=200, blank=True)
    note = EncryptedTextField("private note", blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reported_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="transferred", transferred_to__gt="")
                | (~Q(outcome="transferred") & Q(transferred_to="")),
                name="outcome_transferred_names_agency",
            ),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="outcome_valid"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} ({self.reported_at:%Y-%m-%d})"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    THROUGH_REFERRER = "through_referrer", "Through the referring organization"
    OTHER = "other", "Other"


class ContactAttempt(models.Model):
    """One try at reaching the person, reported with an outcome."""

    Method = ContactMethod

    report = models.ForeignKey(OutcomeReport, on_delete=models.CASCADE, related_name="attempts")
    attempted_on = models.DateField()
    method = models.CharField(max_length=20, choices=ContactMethod)

    class Meta:
        ordering = ["attempted_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=ContactMethod.values), name="contact_attempt_method_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_method_display()} on {self.attempted_on}"

"""The review of a referral: consultations with the other agency, deadline extensions, the
decision (and the decision on appeal), appeals, clock pauses and deadline reminders.

The referral's own state lives in referrals.Referral (its declared transitions); the rows here
record who decided what and why. Invariants are database constraints, so neither a bug nor a
race can store two first decisions for one referral or an appeal decided by the person who
declined.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from referral_portal.fields import EncryptedTextField
from referral_portal.models import County

from .choices import (
    Agency,
    AppealOutcome,
    Basis,
    ConsultationOutcome,
    DecisionOutcome,
    DecisionStage,
    DeclineReason,
)


class Consultation(models.Model):
    """The reviewer's consultation with the other agency (OTDA or DCJS), 9 NYCRR 6174.3."""

    Agency = Agency
    Outcome = ConsultationOutcome

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="consultations"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.CharField(max_length=4, choices=Agency)
    # A member of State staff (name or title): not the person referred.
    consulted_with = models.CharField(max_length=200)
    consulted_at = models.DateTimeField()
    outcome = models.CharField(max_length=30, choices=ConsultationOutcome)
    note = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["consulted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__in=Agency.values), name="consultation_agency_known"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=ConsultationOutcome.values),
                name="consultation_outcome_known",
            ),
            models.CheckConstraint(
                condition=~Q(consulted_with=""), name="consultation_names_someone"
            ),
            models.CheckConstraint(
                condition=Q(consulted_at__lte=F("recorded_at")),
                name="consultation_not_in_future",
            ),
        ]

    def __str__(self):
        return f"Consultation with {self.agency} ({self.consulted_at:%Y-%m-%d})"


class Extension(models.Model):
    """A new due date for good cause. The reason stays with State staff."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="extensions"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reason = EncryptedTextField()
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["granted_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=F("previous_due_at")),
                name="extension_moves_deadline_later",
            )
        ]

    def __str__(self):
        return f"Extension to {self.new_due_at:%Y-%m-%d}"


class Decision(models.Model):
    """A confirmation or a decline, with the facts routing used. One first decision and at most
    one decision on appeal per referral."""

    Stage = DecisionStage
    Outcome = DecisionOutcome
    Basis = Basis
    Reason = DeclineReason

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, related_name="decisions"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    stage = models.CharField(max_length=10, choices=DecisionStage, default=DecisionStage.INITIAL)
    outcome = models.CharField(max_length=10, choices=DecisionOutcome)
    # A confirmation's basis and the facts routing used.
    basis = models.CharField(max_length=20, choices=Basis, blank=True)
    appears_eligible = models.BooleanField(
        "appears eligible for public assistance", null=True, blank=True
    )
    county_of_residence = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minor = models.BooleanField(default=False)
    add_other_destination = models.BooleanField(default=False)
    # A decline's reasons.
    decline_reasons = ArrayField(
        models.CharField(max_length=30, choices=DeclineReason), default=list, blank=True
    )
    note = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    # The referral's version the reviewer decided on (the optimistic lock's evidence).
    referral_version = models.PositiveIntegerField()

    class Meta:
        ordering = ["decided_at", "id"]
        indexes = [
            # The statistics count first decisions made in a period (reports.decisions).
            models.Index(fields=["stage", "decided_at"], name="decision_stage_decided_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["referral", "stage"], name="decision_once_per_stage"),
            models.CheckConstraint(
                condition=Q(stage__in=DecisionStage.values), name="decision_stage_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(outcome=DecisionOutcome.CONFIRMED)
                    & Q(basis__in=Basis.values)
                    & Q(appears_eligible__isnull=False)
                    & Q(decline_reasons=[])
                )
                | (
                    Q(outcome=DecisionOutcome.DECLINED)
                    & Q(basis="")
                    & Q(appears_eligible__isnull=True)
                    & ~Q(decline_reasons=[])
                    & Q(decline_reasons__contained_by=DeclineReason.values)
                ),
                name="decision_outcome_has_its_facts",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.get_outcome_display()}"

    @property
    def is_confirmation(self) -> bool:
        return self.outcome == DecisionOutcome.CONFIRMED

    def get_decline_reasons_display(self) -> list[str]:
        return [DeclineReason(v).label for v in self.decline_reasons if v in DeclineReason.values]


class Appeal(models.Model):
    """The referrer's appeal of a decline, decided by a reviewer other than the one who
    declined."""

    Outcome = AppealOutcome

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="decline_appeal"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    statement = EncryptedTextField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=AppealOutcome, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.OneToOneField(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="appeal"
    )

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(outcome="")
                    & Q(decided_by__isnull=True)
                    & Q(decided_at__isnull=True)
                    & Q(decision__isnull=True)
                )
                | (
                    Q(outcome__in=AppealOutcome.values)
                    & Q(decided_by__isnull=False)
                    & Q(decided_at__isnull=False)
                    & Q(decision__isnull=False)
                ),
                name="appeal_decided_consistently",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("declined_by")),
                name="appeal_decided_by_another_reviewer",
            ),
        ]

    def __str__(self):
        return f"Appeal {self.public_id}"

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)


class ClockPause(models.Model):
    """The decision clock stopped while the referrer answers a question (only when
    CONFIRMATIONS_PAUSE_CLOCK_FOR_INFORMATION is on). On the answer the due date moves later by
    the business days waited."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="clock_pauses"
    )
    information_request = models.OneToOneField(
        "referrals.InformationRequest", on_delete=models.CASCADE, related_name="clock_pause"
    )
    paused_at = models.DateTimeField(default=timezone.now)
    due_at_before = models.DateTimeField()
    resumed_at = models.DateTimeField(null=True, blank=True)
    due_at_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["paused_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_at__isnull=True, due_at_after__isnull=True)
                | Q(
                    resumed_at__isnull=False,
                    due_at_after__gte=F("due_at_before"),
                    resumed_at__gte=F("paused_at"),
                ),
                name="clock_pause_resumed_consistently",
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(resumed_at__isnull=True),
                name="clock_pause_one_open_per_referral",
            ),
        ]

    def __str__(self):
        return f"Clock paused {self.paused_at:%Y-%m-%d}"


class DeadlineReminder(models.Model):
    """One reminder e-mail to one person for one day: the daily task sends each once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="deadline_reminder_daily")
        ]

    def __str__(self):
        return f"Deadline reminder for {self.day}"


# A model of this app kept in its own module, with the rules that use it.
from .verification import NoticeVerification  # noqa: E402, F401

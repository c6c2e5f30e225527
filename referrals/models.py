"""The referral, its timeline, the reviewer's questions, attachments and notices.

States and transitions are declared here once (django-fsm-2, protected field): nothing assigns
`status`; services in referrals/ and the apps above call the transition methods inside a
transaction with the row locked, then save and write a ReferralEvent.
"""

import uuid
from datetime import date

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from referral_portal.blind_indexes import BlindIndexedModel
from referral_portal.encrypted_collections import EncryptedChoiceListField
from referral_portal.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from referral_portal.models import County

from .choices import (  # noqa: F401 - re-exported: other apps import the choices from here
    INDICATOR_GROUPS,
    NONCITIZEN_STATUSES,
    OPEN_STATUSES,
    REFERRER_NOTICE_KINDS,
    AttachmentKind,
    ConsentGivenBy,
    ConsentScope,
    EventKind,
    Gender,
    ImmigrationStatus,
    Indicator,
    Industry,
    NoticeKind,
    Reason,
    Service,
    Status,
    YesNoUnknown,
    indicators_in,
)
from .languages import PreferredLanguage, language_label

ADULT_AGE = 18
# Encrypted columns, never copied into change history (with the blind indexes below). Besides
# what identifies the person, the facts that would endanger them if read: where they were born,
# their immigration status and gender, whether they were arrested or will help the police, the
# agency and its case number (they lead to police files), and the signs of force, fraud or
# coercion. Each is shown to those who may see the case and never searched or sorted on.
PERSONAL_FIELDS = [
    "legal_name",
    "other_names",
    "date_of_birth",
    "gender",
    "country_of_birth",
    "immigration_status",
    "address",
    "phone",
    "email",
    "safe_contact_notes",
    "places",
    "indicators",
    "narrative",
    "willing_to_assist",
    "arrested",
    "law_enforcement_agency",
    "agency_case_number",
    "nickname",
]
BLIND_INDEXES = {"name_index": "", "dob_index": ""}
# Plain columns that describe the person, or free text in which a referrer may have written
# about them, with the empty value of each: the retention purge clears them, and they are
# blanked in the change history when a referral is purged or a draft deleted (history.py).
PLAIN_PERSONAL_FIELDS = {
    "estimated_age": None,
    "preferred_language": "",
    "preferred_language_other": "",
    "first_encounter_date": None,
    "consent_date": None,
    "trafficking_began": None,
    "trafficking_ended": None,
    "industry_other": "",
    "services_other": "",
}


def _choice_array(choices, max_length=40):
    return ArrayField(
        models.CharField(max_length=max_length, choices=choices), default=list, blank=True
    )


# --- the review's states, each set declared once --------------------------------------------
# The transitions on Referral take their sources from these sets, and the rest of the portal
# reads the sets or asks the transitions (django_fsm.can_proceed): the queue's selector and its
# partial indexes, the review's checks and the buttons of the case page. Nothing restates them
# (tests/referrals/test_state_rules_once.py holds them to the transitions).
# A first decision can be made, or a question asked of the referrer (none is waiting).
DECIDABLE_STATUSES = (Status.SUBMITTED, Status.INFO_PROVIDED)
# What the reviewers' queue lists: a decision, or a decision on appeal, is still to be made.
QUEUE_STATUSES = tuple(status for status in Status if status in {*OPEN_STATUSES, Status.APPEALED})
IN_QUEUE = Q(status__in=[status.value for status in QUEUE_STATUSES])
QUEUE_FILTER_INDEXES = {
    "referral_open_due_idx": [],
    "referral_open_county_idx": ["county_of_residence"],
    "referral_open_kind_idx": ["sex_trafficking", "labor_trafficking"],
    "referral_open_minor_idx": ["minor_at_referral"],
    "referral_open_reviewer_idx": ["assigned_reviewer"],
}
# The queue's order: answered questions ("information provided") first, then by deadline. One
# declaration for the query (confirmations.selectors) and the index that serves it in order, so
# a page of the queue reads 25 rows however many are open (referral_queue_order_idx).
INFORMATION_PROVIDED = models.ExpressionWrapper(
    Q(status="info_provided"), output_field=models.BooleanField()
)
QUEUE_ORDER = (INFORMATION_PROVIDED.desc(), models.F("due_at").asc(), models.F("id").asc())


# Change history by database trigger (who changed the workflow fields, when, in which request).
# Personal fields are left out: a copy at every wizard save would outlive the referral (a
# discarded draft, a purge) unless scrubbed, their ciphertext is bound to this table's columns,
# and after submission they never change anyway. The plain personal fields that are copied are
# blanked by history.scrub_history when the referral is purged or the draft deleted.
@pghistory.track(
    exclude=[*PERSONAL_FIELDS, *BLIND_INDEXES, "blind_index_key"],
    model_name="ReferralHistory",
    obj_field=pghistory.ObjForeignKey(related_name="history"),
)
class Referral(ConcurrentTransitionMixin, BlindIndexedModel):
    Status = Status

    # --- identity and workflow -------------------------------------------------------------
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, null=True, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="referrals"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_created"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_submitted",
    )
    status = FSMField(max_length=20, choices=Status, default=Status.DRAFT, protected=True)
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_assigned",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    minor_at_referral = models.BooleanField(default=False)
    legal_hold = models.BooleanField(default=False)
    purged_at = models.DateTimeField(null=True, blank=True)
    possible_duplicates = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="later_possible_duplicates"
    )

    # --- referrer and consent ------------------------------------------------------------------
    # The referrer's own label for telling their referrals apart on the list ("client from
    # Tuesday intake"). Free text that may name the person despite the hint, so it is encrypted
    # and shown only to the referring organization (docs/decisions/0013-referral-nicknames.md).
    nickname = EncryptedCharField(max_length=60, blank=True)
    # The furthest wizard step saved (1 to 4; 0 before any), so the list says how far a draft is.
    step_reached = models.PositiveSmallIntegerField(default=0)
    first_encounter_date = models.DateField(null=True, blank=True)
    consent_given_by = models.CharField(max_length=30, choices=ConsentGivenBy, blank=True)
    consent_date = models.DateField(null=True, blank=True)
    consent_scopes = _choice_array(ConsentScope)

    # --- the person (personal fields encrypted) --------------------------------------------
    legal_name = EncryptedCharField(max_length=200, blank=True)
    other_names = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = EncryptedCharField(max_length=20, choices=Gender, blank=True)
    country_of_birth = EncryptedCharField(max_length=100, blank=True)
    # A code from the fixed list; "other" keeps the language's name as the referrer typed it.
    preferred_language = models.CharField(max_length=10, choices=PreferredLanguage, blank=True)
    preferred_language_other = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    immigration_status = EncryptedCharField(max_length=30, choices=ImmigrationStatus, blank=True)
    county_of_residence = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    address = EncryptedTextField(blank=True)
    phone = EncryptedCharField(max_length=40, blank=True)
    email = EncryptedCharField(max_length=254, blank=True)
    safe_contact_notes = EncryptedTextField(blank=True)
    safe_to_call = models.BooleanField(default=False)
    safe_to_text = models.BooleanField(default=False)
    # Keyed hashes of the normalized name and date of birth: equal people, no plaintext.
    name_index = models.CharField(max_length=32, blank=True, db_index=True)
    dob_index = models.CharField(max_length=32, blank=True, db_index=True)
    BLIND_INDEX_PURPOSES = {"name_index": "referral.name", "dob_index": "referral.dob"}

    # --- what happened -------------------------------------------------------------------------
    sex_trafficking = models.BooleanField(default=False)
    labor_trafficking = models.BooleanField(default=False)
    trafficking_counties = models.ManyToManyField(County, blank=True, related_name="+")
    places = EncryptedTextField(blank=True)
    trafficking_began = models.DateField(null=True, blank=True)
    trafficking_ended = models.DateField(null=True, blank=True)
    industry = models.CharField(max_length=30, choices=Industry, blank=True)
    industry_other = models.CharField(max_length=200, blank=True)
    indicators = EncryptedChoiceListField(item_choices=Indicator, blank=True)
    narrative = EncryptedTextField(blank=True)
    willing_to_assist = EncryptedCharField(max_length=10, choices=YesNoUnknown, blank=True)
    arrested = EncryptedCharField(max_length=10, choices=YesNoUnknown, blank=True)
    law_enforcement_agency = EncryptedCharField(max_length=200, blank=True)
    agency_case_number = EncryptedCharField(max_length=100, blank=True)

    # --- needs ---------------------------------------------------------------------------------
    services_needed = _choice_array(Service)
    services_other = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="referral_queue_idx"),
            models.Index(fields=["assigned_reviewer", "status"], name="referral_reviewer_idx"),
            models.Index(fields=["organization", "status"], name="referral_org_status_idx"),
            # county_of_residence and reference are indexed by their FK and unique constraints.
            # The reviewers' queue filters, each ordered by deadline; partial, over the queue's
            # statuses only, so they stay small however many decided referrals accumulate.
            *[
                models.Index(fields=[*columns, "due_at"], condition=IN_QUEUE, name=name)
                for name, columns in QUEUE_FILTER_INDEXES.items()
            ],
            models.Index(*QUEUE_ORDER, condition=IN_QUEUE, name="referral_queue_order_idx"),
            # The referring organization's list of submitted referrals, newest first; drafts
            # are listed apart (referrals.selectors.submitted_visible_to).
            models.Index(
                fields=["organization", "-submitted_at"],
                condition=~Q(status="draft"),
                name="referral_org_submitted_idx",
            ),
            # The statistics count referrals received in a period (reports.decisions.received).
            models.Index(
                fields=["submitted_at"],
                condition=~Q(status="draft"),
                name="referral_submitted_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="draft") & Q(reference__isnull=True))
                | (
                    ~Q(status="draft")
                    & Q(reference__isnull=False)
                    & Q(submitted_at__isnull=False)
                    & Q(due_at__isnull=False)
                ),
                name="referral_reference_iff_submitted",
            ),
            models.CheckConstraint(
                condition=Q(estimated_age__isnull=True) | Q(estimated_age__lte=120),
                name="referral_estimated_age_range",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="referral_version_positive"),
            models.CheckConstraint(
                condition=Q(preferred_language=PreferredLanguage.OTHER)
                | Q(preferred_language_other=""),
                name="referral_other_language_only_with_other",
            ),
            models.CheckConstraint(
                condition=Q(trafficking_began__isnull=True)
                | Q(trafficking_ended__isnull=True)
                | Q(trafficking_began__lte=models.F("trafficking_ended")),
                name="referral_trafficking_dates_ordered",
            ),
        ]

    def __str__(self):
        # Never the person's name: __str__ ends up in logs, admin history and error reports.
        return self.reference or f"Draft {self.public_id}"

    def blind_index_sources(self) -> dict[str, str]:
        return {
            "name_index": self.legal_name,
            "dob_index": self.date_of_birth.isoformat() if self.date_of_birth else "",
        }

    # --- transitions: each bumps the version (optimistic lock for stale forms) ----------------
    def _bump(self):
        self.version += 1

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self):
        self._bump()

    @transition(field=status, source=DECIDABLE_STATUSES, target=Status.INFO_REQUESTED)
    def request_information(self):
        self._bump()

    @transition(field=status, source=Status.INFO_REQUESTED, target=Status.INFO_PROVIDED)
    def provide_information(self):
        self._bump()

    @transition(field=status, source=DECIDABLE_STATUSES, target=Status.CONFIRMED)
    def confirm(self):
        self._bump()
        self.decided_at = timezone.now()

    @transition(field=status, source=DECIDABLE_STATUSES, target=Status.DECLINED)
    def decline(self):
        self._bump()
        self.decided_at = timezone.now()

    @transition(field=status, source=list(OPEN_STATUSES), target=Status.WITHDRAWN)
    def withdraw(self):
        self._bump()

    @transition(field=status, source=Status.DECLINED, target=Status.APPEALED)
    def appeal(self):
        self._bump()

    @transition(field=status, source=Status.APPEALED, target=Status.CONFIRMED)
    def overturn_on_appeal(self):
        self._bump()
        self.decided_at = timezone.now()

    @transition(field=status, source=Status.APPEALED, target=Status.DECLINED)
    def uphold_on_appeal(self):
        self._bump()
        self.decided_at = timezone.now()

    # --- derived facts -------------------------------------------------------------------------
    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def referral_date(self) -> date:
        """The day the referral was (or would be, for a draft) received, in New York time."""
        moment = self.submitted_at or timezone.now()
        return timezone.localdate(moment)

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day` from the date of birth, else the estimated age (which the
        referrer gives as of the referral date), else None."""
        if self.date_of_birth:
            born = self.date_of_birth
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return self.estimated_age

    @property
    def is_minor(self) -> bool:
        age = self.age_on(self.referral_date)
        return age is not None and age < ADULT_AGE

    @property
    def preferred_language_label(self) -> str:
        return language_label(self.preferred_language, self.preferred_language_other)

    @property
    def is_foreign_national(self) -> bool:
        return self.immigration_status in NONCITIZEN_STATUSES

    @property
    def consent_scope_labels(self) -> list[str]:
        return [ConsentScope(v).label for v in self.consent_scopes if v in ConsentScope.values]

    @property
    def indicator_labels(self) -> list[str]:
        return [Indicator(v).label for v in self.indicators if v in Indicator.values]

    @property
    def service_labels(self) -> list[str]:
        return [Service(v).label for v in self.services_needed if v in Service.values]

    @property
    def trafficking_types(self) -> list[str]:
        kinds = []
        if self.sex_trafficking:
            kinds.append("Sex trafficking")
        if self.labor_trafficking:
            kinds.append("Labor trafficking")
        return kinds


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year. Locked with SELECT ... FOR UPDATE while
    a submission takes the next number, so numbers are sequential and never reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class ReferralEvent(models.Model):
    """One line of a referral's timeline: who did what, when, from which state to which."""

    Kind = EventKind

    # What the encrypted note is bound to (referral_portal.fields); never shown.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=EventKind)
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status, blank=True)
    note = EncryptedTextField(blank=True)
    visible_to_referrer = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_timeline_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class InformationRequest(models.Model):
    """A reviewer's question to the referrer, and the referrer's answer."""

    Reason = Reason

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="information_requests"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons = ArrayField(models.CharField(max_length=30, choices=Reason), default=list)
    message = EncryptedTextField(blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    response = EncryptedTextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True, responded_by__isnull=True)
                | Q(responded_at__isnull=False, responded_by__isnull=False),
                name="info_request_answered_consistently",
            ),
            # At most one unanswered request per referral at a time.
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(responded_at__isnull=True),
                name="info_request_one_open_per_referral",
            ),
        ]

    def __str__(self):
        return f"Request {self.public_id}"

    @property
    def is_answered(self) -> bool:
        return self.responded_at is not None

    def get_reasons_display(self) -> list[str]:
        return [Reason(value).label for value in self.reasons if value in Reason.values]


class Attachment(models.Model):
    """A file sent with a referral, stored encrypted under a random name (private_storage)."""

    Kind = AttachmentKind

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=AttachmentKind)
    original_name = EncryptedCharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    stored_name = models.CharField(max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    information_request = models.ForeignKey(
        InformationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def storage_context(self) -> str:
        return f"attachment:{self.public_id}"


class Notice(models.Model):
    """A decision notice (PDF) rendered by the review app and stored encrypted."""

    Kind = NoticeKind

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notices")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=30, choices=NoticeKind)
    # The language the notice is written in: English, or one of the twelve translations.
    language = models.CharField(max_length=10, choices=PreferredLanguage, default="en")
    stored_name = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.public_id}"

    @property
    def storage_context(self) -> str:
        return f"notice:{self.public_id}"

    @property
    def for_referrer(self) -> bool:
        return self.kind in REFERRER_NOTICE_KINDS


# A model of this app kept in its own module, with the rules that use it.
from .break_glass import BreakGlassGrant  # noqa: E402, F401

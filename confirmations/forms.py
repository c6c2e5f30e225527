"""The review's forms. Each cleans what a person typed; rules that depend on the referral's
state are checked again by the services, under the row lock."""

import re
from datetime import timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from referral_portal.business_days import is_business_day
from referral_portal.models import County
from referrals import break_glass
from referrals.models import Reason

from .choices import (
    QUEUE_STATUSES,
    Agency,
    Basis,
    ConsultationOutcome,
    DeclineReason,
    suggests_public_assistance,
)
from .services import due_at_close_of

REFERENCE = re.compile(r"^[A-Z]{2}-\d{4}-\d{1,6}$")
YES_NO = [("yes", "Yes"), ("no", "No")]
NOTE_LIMIT = 5000


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def _yes_no(value) -> bool:
    return value == "yes"


def _text(label, *, required=True, help_text="", rows=5, message="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label.lower()}."},
    )


def _reasons(label, choices, *, help_text) -> forms.MultipleChoiceField:
    """Checkboxes of reasons, at least one of them."""
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"required": "Choose at least one reason."},
    )


class VersionedForm(forms.Form):
    """Carries the referral's version from the page, so a stale form is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- break-glass access (docs/decisions/0009) ----------------------------------------------------
class BreakGlassForm(forms.Form):
    purpose = forms.ChoiceField(
        label="Purpose",
        choices=break_glass.Purpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the purpose."},
    )
    reason = forms.CharField(
        label="Reason",
        min_length=break_glass.REASON_MIN_LENGTH,
        max_length=break_glass.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"At least {break_glass.REASON_MIN_LENGTH} characters: the ticket or request "
        "number and what you must check. State supervisors read it. Do not write the person's "
        "name or other details about them.",
        error_messages={
            "required": "Enter the reason you must open this case.",
            "min_length": f"Describe the reason in at least {break_glass.REASON_MIN_LENGTH} "
            "characters.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- the queue -----------------------------------------------------------------------------------
class QueueFilterForm(forms.Form):
    """Filters in the query string: ids, codes and a reference number, never a name."""

    reference = forms.CharField(
        label="Reference number",
        required=False,
        max_length=20,
        help_text="For example VC-2026-000123.",
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *[(s.value, s.label) for s in QUEUE_STATUSES]],
    )
    reviewer = forms.ChoiceField(
        label="Reviewer",
        required=False,
        choices=[("", "Anyone"), ("mine", "Assigned to me"), ("unassigned", "Not assigned")],
    )
    county = forms.ModelChoiceField(
        label="County of residence",
        required=False,
        queryset=County.objects.order_by("name"),
        empty_label="Any county",
    )
    trafficking = forms.ChoiceField(
        label="Kind of trafficking",
        required=False,
        choices=[
            ("", "Any"),
            ("sex", "Sex trafficking"),
            ("labor", "Labor trafficking"),
            ("both", "Both"),
        ],
    )
    minor = forms.ChoiceField(
        label="Minor",
        required=False,
        choices=[("", "Any age"), ("yes", "Minors only"), ("no", "Adults only")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_reference(self):
        value = self.cleaned_data["reference"].strip().upper()
        if value and not REFERENCE.match(value):
            raise forms.ValidationError("Enter a reference number like VC-2026-000123.")
        return value

    def filters(self) -> dict:
        """The valid filters; a field with an error is left out (and shown with its error)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


# --- assignment ----------------------------------------------------------------------------------
class ReassignForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label="Assign to",
        queryset=None,
        empty_label="Choose a reviewer",
        error_messages={
            "required": "Choose the reviewer.",
            "invalid_choice": "Choose a reviewer from the list.",
        },
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.get_role_display()})"
        )
        self.helper = _helper()


# --- requests, consultation, extension ----------------------------------------------------------
class InformationRequestForm(VersionedForm):
    reasons = _reasons(
        "What is missing or unclear?", Reason.choices, help_text="Choose all that apply."
    )
    message = _text(
        "Message to the referrer",
        help_text="Say exactly what you need. The referrer reads this in the portal; the "
        "e-mail they get holds only the reference number and a link.",
        message="Write what the referrer should send.",
    )


class ConsultationForm(forms.Form):
    agency = forms.ChoiceField(
        label="Agency consulted",
        choices=Agency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agency you consulted."},
    )
    consulted_with = forms.CharField(
        label="Who you consulted",
        max_length=200,
        help_text="Name and title of the person at the other agency.",
        error_messages={"required": "Enter who you consulted."},
    )
    consulted_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter when the consultation took place.",
            "invalid": "Enter a date and time, for example 2026-03-02 14:30.",
        },
    )
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=ConsultationOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the consultation."},
    )
    note = _text("Note", required=False, help_text="Optional. Seen by State staff only.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_consulted_at(self):
        value = self.cleaned_data["consulted_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("The consultation cannot be in the future.")
        return min(value, timezone.now())


class ExtensionForm(VersionedForm):
    new_due_date = forms.DateField(
        label="New due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="A New York State business day. The decision is due at 5 pm that day.",
        error_messages={
            "required": "Enter the new due date.",
            "invalid": "Enter a date, for example 2026-03-02.",
        },
    )
    reason = _text(
        "Good cause",
        help_text="Why more time is needed. Seen by State staff only; the referrer sees the "
        "new date.",
        message="Give the good cause for the extension.",
    )

    def __init__(self, *args, current_due_at, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_due_at = current_due_at

    def clean_new_due_date(self):
        day = self.cleaned_data["new_due_date"]
        if not is_business_day(day):
            raise forms.ValidationError(
                "Choose a New York State business day (not a weekend or a State holiday)."
            )
        if due_at_close_of(day) <= self.current_due_at:
            current = timezone.localtime(self.current_due_at)
            raise forms.ValidationError(
                f"Choose a day after the current due date, {current:%B %-d, %Y}."
            )
        return day


# --- decisions -----------------------------------------------------------------------------------
class ConfirmForm(VersionedForm):
    basis = forms.ChoiceField(
        label="Basis of the confirmation",
        choices=Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the basis of the confirmation."},
    )
    appears_eligible = forms.TypedChoiceField(
        label="Does the person appear eligible for public assistance?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the person appears eligible."},
    )
    county = forms.ModelChoiceField(
        label="County of residence",
        required=False,
        queryset=County.objects.order_by("name"),
        empty_label="Not known",
        help_text="Where the case is sent depends on it. If it is not known, nothing is sent.",
    )
    minor = forms.TypedChoiceField(
        label="Was the person under 18 when referred?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the person is a minor."},
    )
    add_other = forms.BooleanField(
        label="Also send the case to the other destination",
        required=False,
        help_text="The district and the RHTP provider both receive it (if consent allows).",
    )
    note = _text(
        "Note for the record", required=False, help_text="Optional. Seen by State staff only."
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral
        status = referral.get_immigration_status_display() or "not given"
        suggested = "yes" if suggests_public_assistance(referral.immigration_status) else "no"
        self.fields["appears_eligible"].help_text = (
            f"Suggested: {dict(YES_NO)[suggested].lower()}, from the citizenship or "
            f"immigration status ({status}). Change it if the facts say otherwise."
        )

    @staticmethod
    def initial_for(referral) -> dict:
        minor = referral.minor_at_referral or referral.is_minor
        return {
            "version": referral.version,
            "appears_eligible": "yes"
            if suggests_public_assistance(referral.immigration_status)
            else "no",
            "county": referral.county_of_residence_id,
            "minor": "yes" if minor else "no",
        }

    def clean_minor(self):
        minor = self.cleaned_data["minor"]
        if not minor and self.referral.is_minor:
            raise forms.ValidationError(
                "The date of birth given makes the person a minor on the referral date. If it "
                "is wrong, request information from the referrer."
            )
        return minor


class DeclineForm(VersionedForm):
    reasons = _reasons(
        "Reasons",
        DeclineReason.choices,
        help_text="Choose all that apply. They appear on the notice of decline.",
    )
    note = _text(
        "Explanation for the referring organization",
        required=False,
        help_text="Appears on the notice of decline. Required when you choose another reason.",
    )

    def clean(self):
        cleaned = super().clean()
        if DeclineReason.OTHER in cleaned.get("reasons", []) and not cleaned.get("note"):
            self.add_error("note", "Explain the other reason.")
        return cleaned


class UpholdForm(VersionedForm):
    note = _text(
        "Why the decline is upheld",
        help_text="Appears on the notice to the referring organization.",
        message="Explain why the decline is upheld.",
    )


class AppealForm(forms.Form):
    statement = _text(
        "Why should the decision change?",
        rows=8,
        help_text="Give any new facts. A reviewer who did not make the first decision will "
        "read it.",
        message="Write why the decision should change.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

from django import forms
from django.forms import formset_factory
from django.utils import timezone

from .models import ContactMethod, Outcome

ATTEMPT_ROWS = 4


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."},
    )
    transferred_to = forms.CharField(
        label="Transferred to which agency?",
        required=False,
        max_length=200,
        help_text="Only if you transferred the case.",
    )
    note = forms.CharField(
        label="Private note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Seen by your organization and state staff only, never by the referrer.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.TRANSFERRED and not cleaned.get("transferred_to"):
            self.add_error("transferred_to", "Enter the agency the case was transferred to.")
        return cleaned


class ContactAttemptForm(forms.Form):
    attempted_on = forms.DateField(
        label="Date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the date as year, month and day."},
    )
    method = forms.ChoiceField(
        label="How",
        required=False,
        choices=[("", "Choose how")] + ContactMethod.choices,
    )

    def clean(self):
        cleaned = super().clean()
        day, method = cleaned.get("attempted_on"), cleaned.get("method")
        if day and not method:
            self.add_error("method", "Choose how you tried to reach the person.")
        if method and not day and "attempted_on" not in self.errors:
            self.add_error("attempted_on", "Enter the date of this attempt.")
        if day and day > timezone.localdate():
            self.add_error("attempted_on", "The date cannot be in the future.")
        return cleaned


ContactAttemptFormSet = formset_factory(
    ContactAttemptForm, extra=ATTEMPT_ROWS, max_num=ATTEMPT_ROWS, validate_max=True
)


def attempts_from(formset) -> list[tuple]:
    return [
        (form.cleaned_data["attempted_on"], form.cleaned_data["method"])
        for form in formset
        if form.cleaned_data.get("attempted_on") and form.cleaned_data.get("method")
    ]


def outcome_from(form, formset) -> dict:
    """What a valid outcome form and its contact attempts report (for services.report_outcome),
    the same from the agency's page and from the API."""
    return {
        "outcome": form.cleaned_data["outcome"],
        "attempts": attempts_from(formset),
        "transferred_to": form.cleaned_data["transferred_to"],
        "note": form.cleaned_data["note"],
    }

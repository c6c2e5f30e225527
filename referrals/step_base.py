"""The building blocks of the wizard's steps: date and checkbox fields, and StepForm, a
ModelForm over some of a referral's fields with a draft mode and a complete mode."""

from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from django import forms
from django.forms.models import construct_instance
from django.utils import timezone

from .models import Referral

DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, help_text="", required=False):
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": "Enter a real date, for example 2026-03-31 or 03/31/2026."},
    )


def checkboxes(label, choices, help_text=""):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose from the list."},
    )


@dataclass(frozen=True)
class RequiredFor:
    """Fields a step requires only of some organizations: those whose `Organization.<kind>`
    (e.g. "is_provider") is true. The help text of `note_on` then says so."""

    kind: str
    fields: tuple[str, ...]
    note_on: str
    note: str


class StepForm(forms.ModelForm):
    """A wizard step. `complete=True` adds the rules that must hold before submission."""

    slug = ""
    title = ""
    number = 0  # the step's place in the wizard, from 1
    # The fields the submission rules require, and those asked for only in some case (their
    # labels say when, "If other, ..."). Every other field is labelled "(optional)" on the step
    # itself, so that a referrer learns what is required while filling it, not at review.
    required_to_submit: tuple[str, ...] = ()
    asked_if: tuple[str, ...] = ()
    required_for: RequiredFor | None = None
    # Declared form fields that do not map 1:1 to a model field are applied in apply_extra.

    def __init__(self, *args, referral: Referral, complete: bool = False, **kwargs):
        super().__init__(*args, instance=referral, **kwargs)
        self.referral = referral
        self.complete = complete
        self.today = timezone.localdate()
        for field in self.fields.values():
            if isinstance(field.widget, DateInput):
                field.widget.attrs["max"] = self.today.isoformat()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        if self.also_required:
            self.fields[self.required_for.note_on].help_text = self.required_for.note
        self.mark_optional_fields()

    @property
    def also_required(self) -> tuple[str, ...]:
        """The fields `required_for` adds for this referral's organization (none for others)."""
        rule = self.required_for
        if rule is None or not getattr(self.organization, rule.kind):
            return ()
        return rule.fields

    def fields_required_to_submit(self) -> set[str]:
        return {*self.required_to_submit, *self.also_required}

    def mark_optional_fields(self) -> None:
        needed = self.fields_required_to_submit() | set(self.asked_if)
        for name, field in self.fields.items():
            # A single checkbox is a statement the referrer ticks or not: never "optional".
            if name not in needed and field.label and not isinstance(field, forms.BooleanField):
                field.label = f"{field.label} (optional)"

    @property
    def organization(self):
        return self.referral.organization

    def not_in_future(self, cleaned, name, what):
        value = cleaned.get(name)
        if value and value > self.today:
            self.add_error(name, f"{what} cannot be in the future.")

    def require(self, cleaned, name, message):
        value = cleaned.get(name)
        empty = value in (None, "", [], ()) or (isinstance(value, str) and not value.strip())
        if empty and name not in self.errors:
            self.add_error(name, message)

    def clean(self):
        cleaned = super().clean()
        self.check_format(cleaned)
        if self.complete:
            self.check_complete(cleaned)
        return cleaned

    def check_format(self, cleaned):
        """Rules that hold even for a draft."""

    def check_complete(self, cleaned):
        """Rules that must hold before submission."""

    def apply_to(self, referral: Referral) -> None:
        construct_instance(self, referral, fields=self._meta.fields)
        self.apply_extra(referral)

    def apply_extra(self, referral: Referral) -> None:
        pass

    def save_related(self, referral: Referral) -> None:
        pass

"""The building blocks of the wizard's steps: date and checkbox fields, and StepForm, a
ModelForm over some of a referral's fields with a draft mode and a complete mode."""

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
        self.mark_optional_fields()

    def fields_required_to_submit(self) -> set[str]:
        return set(self.required_to_submit)

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

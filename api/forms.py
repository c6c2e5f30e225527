"""The form an administrator fills to create an API client."""

from datetime import datetime, time, timedelta

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone

from referral_portal.business_days import NEW_YORK

from . import scopes


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="The system that will use it, such as \u201cCase management (production)\u201d.",
        error_messages={"required": "Give the client a name."},
    )
    scopes = forms.MultipleChoiceField(
        label="What may it do?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one permission."},
    )
    expires_on = forms.DateField(
        label="Expires on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 2027-03-31."},
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = [
            (scope, f"{scope}: {scopes.ALL[scope]}") for scope in scopes.allowed_for(organization)
        ]
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=365)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError("Choose a date after today.")
        if day > today + timedelta(days=settings.API_CLIENT_MAX_DAYS):
            raise forms.ValidationError(
                f"A client can be valid for at most {settings.API_CLIENT_MAX_DAYS} days."
            )
        return day

    @property
    def expires_at(self):
        """The end of the chosen day in New York."""
        day = self.cleaned_data["expires_on"] + timedelta(days=1)
        return datetime.combine(day, time.min, tzinfo=NEW_YORK)

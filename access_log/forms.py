"""The administrators' access-log filter (GET form: its values are staff accounts, organizations,
reference numbers and dates, never a victim's details)."""

from django import forms

from .models import AccessLog


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(
        label="Person (username)",
        max_length=150,
        required=False,
        help_text="The exact username of the person who read or exported records.",
    )
    # A text input, not a list of every organization: the list cost half the page (issue 13).
    organization = forms.CharField(
        label="Organization",
        max_length=200,
        required=False,
        help_text="The organization's exact name (or its id from the organizations page).",
    )
    reference = forms.CharField(label="Referral reference number", max_length=40, required=False)
    action = forms.ChoiceField(
        choices=[("", "Any action"), *AccessLog.Action.choices], required=False
    )
    date_from = forms.DateField(
        label="From (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To (date)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data

    def used_filters(self) -> list[str]:
        """Which filters were used (names only), for the access log's own record."""
        if not self.is_valid():
            return []
        return [name for name, value in self.cleaned_data.items() if value]

"""The administrators' access-log filter (GET form: its values are staff accounts, organizations,
reference numbers and dates, never a victim's details)."""

from django import forms

from .audit import AccessLog


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(
        label="Person (username)",
        max_length=150,
        required=False,
        help_text="The exact username of the person who read or exported records.",
    )
    organization = forms.ModelChoiceField(
        queryset=None,
        to_field_name="public_id",
        required=False,
        empty_label="Any organization",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Organization is an accounts model; referral_portal reaches it through the FK so that
        # this bottom layer imports nothing from the apps above it.
        organization_model = AccessLog._meta.get_field("organization").related_model
        self.fields["organization"].queryset = organization_model.objects.order_by("name")

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

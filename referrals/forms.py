"""The referral wizard's steps and every submission rule.

Each step is a ModelForm over a few of the referral's fields. Saving a step (draft mode) checks
only that what was typed is well formed (lengths, choices, real dates, no future dates), so
work is never lost for being incomplete. Submitting (complete mode) runs every step again over
the stored referral and adds the completeness rules; the same rules back the review page, the
"check this step" links and `services.submit_referral`, so the last step can never be skipped.
"""

import re

from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.html import escape

from referral_portal.models import County

from .languages import PreferredLanguage
from .models import (
    INDICATOR_GROUPS,
    ConsentScope,
    Indicator,
    Industry,
    Referral,
    Service,
    indicators_in,
)
from .step_base import DateInput, RequiredFor, StepForm, checkboxes, date_field  # noqa: F401

OLDEST_AGE = 120
PHONE = re.compile(r"^\+?[0-9().\-\s]{7,25}(\s*(x|ext\.?)\s*\d{1,6})?$", re.IGNORECASE)


# --- step 1: referrer and consent ------------------------------------------------------------
class ReferrerStep(StepForm):
    slug = "referrer"
    title = "You and consent"
    number = 1
    required_to_submit = ("first_encounter_date",)
    # Only a provider needs the person's written consent to refer.
    required_for = RequiredFor(
        kind="is_provider",
        fields=("consent_given_by", "consent_date", "consent_scopes"),
        note_on="consent_given_by",
        note="A provider can refer only with the person's written consent.",
    )

    nickname = forms.CharField(
        label="Your name for this referral",
        required=False,
        max_length=60,
        help_text="Shown only to your organization, to tell your referrals apart, for example "
        "\u201cclient from Tuesday intake\u201d. Do not use the person's name.",
    )

    first_encounter_date = date_field(
        "When did your organization first meet the person?",
        help_text="An approximate date is fine.",
    )
    consent_date = date_field("When was consent given?")
    consent_scopes = checkboxes(
        "What did the person agree to?",
        ConsentScope.choices,
        help_text="Choose everything the consent covers. The State will not send this referral "
        "anywhere the consent does not cover.",
    )

    class Meta:
        model = Referral
        fields = [
            "nickname",
            "first_encounter_date",
            "consent_given_by",
            "consent_date",
            "consent_scopes",
        ]
        labels = {"consent_given_by": "Who gave consent?"}
        widgets = {"consent_given_by": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_given_by"].choices = self.fields["consent_given_by"].choices[1:]

    def check_format(self, cleaned):
        self.not_in_future(cleaned, "first_encounter_date", "The date you first met the person")
        self.not_in_future(cleaned, "consent_date", "The consent date")

    def check_complete(self, cleaned):
        self.require(cleaned, "first_encounter_date", "Enter the date you first met the person.")
        if not self.also_required:
            return
        self.require(cleaned, "consent_given_by", "Choose who gave consent.")
        self.require(cleaned, "consent_date", "Enter the date consent was given.")
        scopes = cleaned.get("consent_scopes") or []
        if ConsentScope.CONFIRMATION not in scopes and "consent_scopes" not in self.errors:
            self.add_error(
                "consent_scopes",
                "The consent must cover sending this referral to the State for confirmation.",
            )


# --- step 2: the person ------------------------------------------------------------------------
class PersonStep(StepForm):
    slug = "person"
    title = "The person"
    number = 2
    required_to_submit = (
        "legal_name",
        "date_of_birth",
        "immigration_status",
        "county_of_residence",
    )
    asked_if = ("estimated_age", "preferred_language_other")

    date_of_birth = date_field(
        "Date of birth", help_text="If you do not know it, give an estimated age instead."
    )
    estimated_age = forms.IntegerField(
        label="Estimated age in years",
        required=False,
        min_value=0,
        max_value=OLDEST_AGE,
        help_text="Only if the date of birth is not known.",
        error_messages={"invalid": "Enter the age as a whole number, such as 17."},
    )
    county_of_residence = forms.ModelChoiceField(
        label="County where the person lives or is staying",
        queryset=County.objects.all(),
        required=False,
        empty_label="Choose a county",
    )
    email = forms.EmailField(label="E-mail address", required=False, max_length=254)

    class Meta:
        model = Referral
        fields = [
            "legal_name",
            "other_names",
            "date_of_birth",
            "estimated_age",
            "gender",
            "country_of_birth",
            "preferred_language",
            "preferred_language_other",
            "interpreter_needed",
            "immigration_status",
            "county_of_residence",
            "address",
            "phone",
            "email",
            "safe_contact_notes",
            "safe_to_call",
            "safe_to_text",
        ]
        labels = {
            "legal_name": "Legal name",
            "other_names": "Other names they use",
            "gender": "Gender",
            "country_of_birth": "Country of birth",
            "preferred_language": "Preferred language",
            "preferred_language_other": "If another language, which one",
            "interpreter_needed": "The person needs an interpreter",
            "immigration_status": "Citizenship or immigration status",
            "address": "Address or where they are staying",
            "phone": "Phone number",
            "safe_contact_notes": "The safest way to reach them",
            "safe_to_call": "It is safe to call this number",
            "safe_to_text": "It is safe to send text messages to this number",
        }
        help_texts = {
            "legal_name": "As it appears on an identity document, if they have one.",
            "other_names": "Nicknames, earlier names or other spellings.",
            "immigration_status": "Choose \u201cNot known\u201d if you do not know.",
            "preferred_language": "The person's notices are issued in English and, for the "
            "twelve languages of New York's language-access law, in their language too.",
            "safe_contact_notes": "For example, only through your office, or times to avoid.",
        }
        widgets = {
            "other_names": forms.Textarea(attrs={"rows": 2}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "safe_contact_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = {"other_names": 1000, "address": 1000, "safe_contact_notes": 2000}
        for name, length in limits.items():
            self.fields[name].max_length = length
            self.fields[name].widget.attrs["maxlength"] = length
            self.fields[name].validators.append(MaxLengthValidator(length))
        self.fields["legal_name"].widget.attrs["autocomplete"] = "off"
        for name in ("gender", "immigration_status", "preferred_language"):
            self.fields[name].choices = [("", "Choose one"), *self.fields[name].choices[1:]]

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                "Enter a phone number using digits, spaces, brackets, dashes and an optional "
                "extension, such as 518-555-0100 ext. 12."
            )
        return phone

    def check_format(self, cleaned):
        born = cleaned.get("date_of_birth")
        if born and born > self.today:
            self.add_error("date_of_birth", "The date of birth cannot be in the future.")
        elif born and self.today.year - born.year > OLDEST_AGE:
            self.add_error("date_of_birth", "Check the year: that would make them over 120.")
        other = (cleaned.get("preferred_language_other") or "").strip()
        if cleaned.get("preferred_language") == PreferredLanguage.OTHER:
            if not other:
                self.add_error("preferred_language_other", "Write which language they prefer.")
        elif other:
            self.add_error(
                "preferred_language_other",
                "Leave this empty, or choose \u201cAnother language\u201d above.",
            )

    def check_complete(self, cleaned):
        self.require(cleaned, "legal_name", "Enter the person's legal name.")
        no_age = not cleaned.get("date_of_birth") and cleaned.get("estimated_age") is None
        if no_age and not {"date_of_birth", "estimated_age"} & set(self.errors):
            self.add_error("date_of_birth", "Enter the date of birth, or an estimated age below.")
        self.require(cleaned, "immigration_status", "Choose a status, or \u201cNot known\u201d.")
        self.require(cleaned, "county_of_residence", "Choose the county where the person lives.")


# --- step 3: what happened -------------------------------------------------------------------
TRAFFICKING_TYPES = [("sex", "Sex trafficking"), ("labor", "Labor trafficking")]
MINOR_INDICATOR_NOTE = (
    "For a person under 18 referred for sex trafficking, these signs are optional: the law "
    "does not require force, fraud or coercion to be shown for a minor in commercial sex "
    "(New York Penal Law 230.34-a and the federal definition)."
)


class TraffickingStep(StepForm):
    slug = "trafficking"
    title = "What happened"
    number = 3
    required_to_submit = (
        "trafficking_types",
        "industry",
        "narrative",
        "willing_to_assist",
        "arrested",
    )
    # A county or a description of the places; at least one sign of force, fraud or coercion
    # (the fieldset says so).
    asked_if = (
        "trafficking_counties",
        "places",
        "industry_other",
        "indicators_force",
        "indicators_fraud",
        "indicators_coercion",
    )
    required_for = RequiredFor(
        kind="is_police",
        fields=("law_enforcement_agency", "agency_case_number"),
        note_on="agency_case_number",
        note="Required for law-enforcement agencies and district attorneys' offices.",
    )

    trafficking_types = checkboxes(
        "What kind of trafficking?", TRAFFICKING_TYPES, help_text="Choose one or both."
    )
    trafficking_counties = forms.ModelMultipleChoiceField(
        label="Counties in New York where it happened",
        queryset=County.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (or Command on a Mac) to choose more than one.",
    )
    trafficking_began = date_field("When did it start?", help_text="An approximate date is fine.")
    trafficking_ended = date_field(
        "When did it end?", help_text="Leave empty if it may still be going on."
    )
    industry = forms.ChoiceField(
        label="Industry or venue",
        choices=[("", "Choose one"), *Industry.choices],
        required=False,
        error_messages={"invalid_choice": "Choose one of the options."},
    )
    indicators_force = checkboxes("Signs of force", indicators_in("force"))
    indicators_fraud = checkboxes("Signs of fraud", indicators_in("fraud"))
    indicators_coercion = checkboxes("Signs of coercion", indicators_in("coercion"))
    narrative = forms.CharField(
        label="What happened, in your words",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Who, what, where and when, as far as you know. Up to 10,000 characters.",
    )

    class Meta:
        model = Referral
        fields = [
            "trafficking_counties",
            "places",
            "trafficking_began",
            "trafficking_ended",
            "industry",
            "industry_other",
            "narrative",
            "willing_to_assist",
            "arrested",
            "law_enforcement_agency",
            "agency_case_number",
        ]
        labels = {
            "places": "Other places (such as cities, or places outside New York)",
            "industry_other": "If other, what industry or venue?",
            "willing_to_assist": "Is the person willing to help a law-enforcement investigation?",
            "arrested": "Was the person arrested in connection with the trafficking?",
            "law_enforcement_agency": "Law-enforcement agency involved",
            "agency_case_number": "Agency case number",
        }
        help_texts = {
            "willing_to_assist": "Recorded for the reviewer; it is not a condition of "
            "confirmation.",
            "arrested": "Recorded for the reviewer; it is not a condition of confirmation.",
        }
        widgets = {
            "places": forms.Textarea(attrs={"rows": 2}),
            "willing_to_assist": forms.RadioSelect,
            "arrested": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        referral = self.referral
        self.fields["places"].max_length = 2000
        self.fields["places"].widget.attrs["maxlength"] = 2000
        self.fields["places"].validators.append(MaxLengthValidator(2000))
        for name in ("willing_to_assist", "arrested"):
            self.fields[name].choices = self.fields[name].choices[1:]
        if not self.is_bound:
            types = []
            if referral.sex_trafficking:
                types.append("sex")
            if referral.labor_trafficking:
                types.append("labor")
            self.initial["trafficking_types"] = types
            for group in INDICATOR_GROUPS:
                self.initial[f"indicators_{group}"] = [
                    value for value in referral.indicators if value.startswith(group + "_")
                ]
        self.helper.layout = Layout(
            "trafficking_types",
            "trafficking_counties",
            "places",
            "trafficking_began",
            "trafficking_ended",
            "industry",
            "industry_other",
            Fieldset(
                "Signs of force, fraud or coercion",
                HTML(
                    '<p class="form-text" id="indicators-note">'
                    "Choose every sign you know of. " + escape(MINOR_INDICATOR_NOTE) + "</p>"
                ),
                "indicators_force",
                "indicators_fraud",
                "indicators_coercion",
                css_class="referral-indicators",
                aria_describedby="indicators-note",
            ),
            "narrative",
            "willing_to_assist",
            "arrested",
            "law_enforcement_agency",
            "agency_case_number",
        )

    @property
    def indicators_optional(self) -> bool:
        """Minor (under 18 on the referral date) referred for sex trafficking."""
        types = self.cleaned_data.get("trafficking_types") or []
        return self.referral.is_minor and "sex" in types

    def check_format(self, cleaned):
        self.not_in_future(cleaned, "trafficking_began", "The start date")
        self.not_in_future(cleaned, "trafficking_ended", "The end date")
        began, ended = cleaned.get("trafficking_began"), cleaned.get("trafficking_ended")
        if began and ended and ended < began and "trafficking_ended" not in self.errors:
            self.add_error("trafficking_ended", "The end date must be on or after the start date.")
        if cleaned.get("industry") == Industry.OTHER:
            self.require(cleaned, "industry_other", "Say what the industry or venue is.")

    def check_complete(self, cleaned):
        self.require(
            cleaned, "trafficking_types", "Choose sex trafficking, labor trafficking or both."
        )
        if not cleaned.get("trafficking_counties") and not (cleaned.get("places") or "").strip():
            self.add_error(
                "trafficking_counties",
                "Choose at least one county, or describe the places in the box below.",
            )
        self.require(cleaned, "industry", "Choose the industry or venue, or \u201cOther\u201d.")
        indicators = [
            value
            for group in INDICATOR_GROUPS
            for value in cleaned.get(f"indicators_{group}") or []
        ]
        if not indicators and not self.indicators_optional:
            self.add_error(
                "indicators_force",
                "Choose at least one sign of force, fraud or coercion.",
            )
        self.require(cleaned, "narrative", "Describe what happened.")
        self.require(cleaned, "willing_to_assist", "Choose yes, no or not known.")
        self.require(cleaned, "arrested", "Choose yes, no or not known.")
        if self.also_required:
            self.require(cleaned, "law_enforcement_agency", "Enter your agency's name.")
            self.require(
                cleaned,
                "agency_case_number",
                "Law-enforcement agencies and district attorneys must give the case number.",
            )

    def apply_extra(self, referral):
        types = self.cleaned_data.get("trafficking_types") or []
        referral.sex_trafficking = "sex" in types
        referral.labor_trafficking = "labor" in types
        referral.indicators = [
            value
            for value in Indicator.values
            for group in INDICATOR_GROUPS
            if value in (self.cleaned_data.get(f"indicators_{group}") or [])
        ]

    def save_related(self, referral):
        referral.trafficking_counties.set(self.cleaned_data.get("trafficking_counties") or [])


# --- step 4: needs -------------------------------------------------------------------------------
class NeedsStep(StepForm):
    slug = "needs"
    title = "Needs"
    number = 4
    required_to_submit = ("services_needed",)
    asked_if = ("services_other",)

    services_needed = checkboxes("Which services does the person need?", Service.choices)

    class Meta:
        model = Referral
        fields = ["services_needed", "services_other"]
        labels = {"services_other": "If other, what else do they need?"}

    def check_format(self, cleaned):
        if Service.OTHER in (cleaned.get("services_needed") or []):
            self.require(cleaned, "services_other", "Say what other services are needed.")

    def check_complete(self, cleaned):
        self.require(cleaned, "services_needed", "Choose at least one service.")


FORM_STEPS: list[type[StepForm]] = [ReferrerStep, PersonStep, TraffickingStep, NeedsStep]
STEP_BY_SLUG = {step.slug: step for step in FORM_STEPS}


def stored_data(form: StepForm) -> dict:
    """What the referral holds, in the shape a bound form expects (to re-validate it)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            value = [getattr(item, "pk", item) for item in value]
        elif hasattr(value, "pk"):
            value = value.pk
        if value is None:
            continue
        data[name] = value
    return data


def checked_step(step: type[StepForm], referral: Referral) -> StepForm:
    """The step bound to the stored referral, validated with the submission rules."""
    data = stored_data(step(referral=referral))
    form = step(data=data, referral=referral, complete=True)
    # What is stored already meets every database constraint (PostgreSQL enforced them when
    # each step was saved); asking again costs a query per constraint on every review page.
    form.validate_unique = form.validate_constraints = lambda: None
    form.is_valid()
    return form


def submission_problems(referral: Referral) -> dict[str, dict[str, list[str]]]:
    """Step slug -> field -> messages, for every rule the referral breaks. Empty: submittable."""
    problems = {}
    for step in FORM_STEPS:
        form = checked_step(step, referral)
        if form.errors:
            problems[step.slug] = {name: list(errors) for name, errors in form.errors.items()}
    return problems

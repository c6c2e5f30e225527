import re

from allauth.account.forms import LoginForm
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AuthenticateWebAuthnForm
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import timezone

from referral_portal.roles import Role

from .models import Invitation, Organization, User
from .security_keys import has_security_key, must_sign_in_with_security_key
from .services import (
    ORGANIZATION_CONTACT_FIELDS,
    ORGANIZATION_DESIGNATION_FIELDS,
    ORGANIZATION_DETAIL_FIELDS,
)
from .usernames import assigned_username

PHONE = re.compile(r"^[0-9 ()+.\-]{7,25}(\s*(x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)
ZIP = re.compile(r"^[0-9]{5}(-[0-9]{4})?$")


def clean_phone(value: str) -> str:
    value = " ".join(value.split())
    if value and (not PHONE.match(value) or sum(c.isdigit() for c in value) < 10):
        raise ValidationError(
            "Enter a telephone number with its area code, like 518-555-0123.", code="phone"
        )
    return value


def inline_helper() -> FormHelper:
    """Crispy renders the fields only: the page writes its own <form> tag and its one
    {% csrf_token %}, so crispy must not add a second token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class PortalLoginForm(LoginForm):
    """Sign-in. Failures are counted by the username typed into `login` and by address
    (accounts/signin_delays.py, through the account adapter)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def user_credentials(self):
        credentials = super().user_credentials()
        credentials["login"] = credentials.get("username") or credentials.get("login")
        return credentials


def _one_time_code(field, *, label: str, help_text: str) -> None:
    """Plain-language label and hint instead of allauth's placeholder (a placeholder is no
    label and disappears as soon as someone types)."""
    field.label = label
    field.help_text = help_text
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update({"autocomplete": "one-time-code", "spellcheck": "false"})


def _sign_in_code(field) -> None:
    """The code asked for at sign-in and again before a sensitive change."""
    _one_time_code(
        field,
        label="Code",
        help_text="The 6 digits your authenticator app shows now, or a recovery code.",
    )


class PortalAuthenticateForm(AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sign_in_code(self.fields["code"])
        # Roles in MFA_REQUIRE_WEBAUTHN_FOR_ROLES sign in with their key once they have one.
        self.security_key_only = must_sign_in_with_security_key(self.user)

    def clean_code(self):
        if self.security_key_only:
            raise ValidationError(
                "Use your security key or passkey: for your role a code is not enough.",
                code="security_key_required",
            )
        return super().clean_code()


class PortalAuthenticateWebAuthnForm(AuthenticateWebAuthnForm):
    @property
    def offered(self) -> bool:
        """Whether the sign-in page offers the key (only to people who registered one)."""
        return has_security_key(self.user)


class PortalReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _sign_in_code(self.fields["code"])


class PortalActivateTOTPForm(ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _one_time_code(
            self.fields["code"],
            label="Authenticator code",
            help_text="The 6 digits the app shows for the Referral Portal. A new code appears "
            "every 30 seconds.",
        )
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


class ApplicationForm(forms.ModelForm):
    """The public application: the organization and the person who will administer it."""

    admin_first_name = forms.CharField(label="First name", max_length=150)
    admin_last_name = forms.CharField(label="Last name", max_length=150)
    admin_email = forms.EmailField(
        label="Work e-mail address",
        help_text="The invitation to open the account goes here once we verify your organization.",
    )
    admin_job_title = forms.CharField(label="Job title", max_length=100)
    admin_phone = forms.CharField(label="Work telephone", max_length=30)

    class Meta:
        model = Organization
        fields = ORGANIZATION_DETAIL_FIELDS
        labels = {
            "name": "Organization name",
            "kind": "Kind of organization",
            "county": "County of the main office",
            "street_address": "Street address",
            "postal_code": "ZIP code",
            "phone": "Main telephone",
            "designating_agency": "Designating agency",
            "designation_date": "Date of designation",
        }
        help_texts = {
            "designating_agency": "Social and legal services providers only: the State agency "
            "that designated you to serve victims of trafficking.",
            "designation_date": "For example 2024-03-15.",
        }
        widgets = {"designation_date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose one")] + list(Organization.Kind.choices)
        self.fields["designating_agency"].choices = [("", "Not a provider")] + list(
            Organization.DesignatingAgency.choices
        )
        self.fields["county"].empty_label = "Choose a county"
        self.fields["admin_email"].widget.attrs["autocomplete"] = "email"
        self.fields["admin_phone"].widget.attrs["autocomplete"] = "tel"
        self.helper = inline_helper()
        self.helper.layout = Layout(
            Fieldset("Your organization", *ORGANIZATION_CONTACT_FIELDS),
            Fieldset(
                "Designation (providers only)",
                HTML(
                    '<p class="form-text">Law-enforcement agencies and district attorneys '
                    "leave these empty.</p>"
                ),
                *ORGANIZATION_DESIGNATION_FIELDS,
            ),
            Fieldset(
                "Who will administer the account",
                HTML(
                    '<p class="form-text">This person verifies their own colleagues and '
                    "invites them to the portal.</p>"
                ),
                "admin_first_name",
                "admin_last_name",
                "admin_job_title",
                "admin_email",
                "admin_phone",
            ),
        )

    def clean_postal_code(self):
        value = self.cleaned_data["postal_code"].strip()
        if not ZIP.match(value):
            raise ValidationError("Enter a 5-digit ZIP code, like 12207.", code="zip")
        return value

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])

    def clean_admin_phone(self):
        return clean_phone(self.cleaned_data["admin_phone"])

    def clean_designation_date(self):
        value = self.cleaned_data.get("designation_date")
        if value and value > timezone.localdate():
            raise ValidationError("The designation date cannot be in the future.", code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in Organization.PROVIDER_KINDS:
            if not cleaned.get("designating_agency"):
                self.add_error(
                    "designating_agency", "Choose the agency that designated your organization."
                )
            if not cleaned.get("designation_date") and "designation_date" not in self.errors:
                self.add_error("designation_date", "Enter the date of your designation.")
        elif cleaned.get("kind"):
            cleaned["designating_agency"] = ""
            cleaned["designation_date"] = None
        return cleaned

    def administrator(self) -> dict:
        data = self.cleaned_data
        return {
            "first_name": data["admin_first_name"],
            "last_name": data["admin_last_name"],
            "email": data["admin_email"],
            "job_title": data["admin_job_title"],
            "phone": data["admin_phone"],
        }


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["first_name", "last_name", "job_title", "email", "phone", "role"]
        labels = {
            "email": "Work e-mail address",
            "phone": "Work telephone (optional)",
            "job_title": "Job title (optional)",
        }
        help_texts = {"email": "The invitation link is sent here. It works once."}
        widgets = {"role": forms.RadioSelect}

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in roles]
        if len(roles) == 1:
            self.fields["role"].initial = roles[0]
        self.helper = inline_helper()

    def clean_phone(self):
        return clean_phone(self.cleaned_data["phone"])


class AcceptInvitationForm(forms.Form):
    # Assigned, not chosen (accounts/usernames.py): shown in a read-only field so that password
    # managers save it with the new password; whatever is posted for it is ignored.
    username = forms.CharField(
        label="Your username",
        disabled=True,
        required=False,
        help_text="The portal assigns it. You type it each time you sign in.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 15 characters. A phrase of several unrelated words is easy to "
        "remember and hard to guess. Your password manager is welcome.",
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, invitation: Invitation, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        self.fields["username"].initial = assigned_username(invitation)
        self.helper = inline_helper()

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "The two passwords are not the same.")
        if password1:
            person = User(
                username=cleaned.get("username", ""),
                first_name=self.invitation.first_name,
                last_name=self.invitation.last_name,
                email=self.invitation.email,
            )
            try:
                validate_password(password1, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    @staticmethod
    def password_rules() -> str:
        return password_validators_help_text_html()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept in the record of this change. Do not include details about any victim.",
    )

    def __init__(self, *args, label="Reason", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.helper = inline_helper()


class OrganizationDecisionForm(ReasonForm):
    decision = forms.ChoiceField(label="What do you decide?", widget=forms.RadioSelect)

    field_order = ["decision", "reason"]

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        # No choice is made for the administrator, not even when only one exists: a
        # preselected "Suspend" is one click away from signing out a whole organization.
        self.fields["decision"].choices = [(d.verb, d.label) for d in decisions]
        self.fields["decision"].error_messages["required"] = (
            "Choose what to do with this organization."
        )
        if any(d.verb == "decline" for d in decisions):
            # accounts.handlers sends it in the applicant's e-mail.
            self.fields["reason"].help_text = (
                "Kept in the record of this change. If you decline, the applicant is e-mailed "
                "this reason. Do not include details about any victim."
            )


class OrganizationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All")] + list(Organization.Status.choices),
    )
    q = forms.CharField(label="Name or city", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()

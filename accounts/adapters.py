from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings

from referral_portal import crypto, times

from . import signin_delays
from .security_keys import has_security_key, security_key_required

# One message for an unknown username and a wrong password: no answer tells anyone whether an
# account exists (ASVS V6.3.8). A right password for an account that cannot sign in gets
# ACCESS_PAUSED instead: only someone who knows the password ever sees it.
SIGN_IN_FAILED = (
    "The username or password is not right. Check both and try again. After 5 failed "
    "attempts, each further attempt has to wait a little longer."
)
# While a wait runs (accounts/signin_delays.py). The same words whether or not the username
# belongs to an account, and whether the username or the address made the wait.
SIGN_IN_PAUSED = "sign_in_paused"


def sign_in_paused_message(until) -> str:
    return (
        "Signing in is paused after several unsuccessful attempts with this username or from "
        f"your network. Try again after {times.deadline(until, 'time_seconds')}. "
        "Each further unsuccessful attempt makes the next pause longer, up to "
        f"{settings.SIGN_IN_MAX_DELAY_SECONDS // 60} minutes. Forgotten your password? Reset "
        "it. Your organization's administrator can also end the pause."
    )


ACCESS_PAUSED = "access_paused"


def access_paused_message(user) -> str | None:
    """Why this person, whose password was right, cannot sign in, and whom to ask; None when
    the account simply cannot sign in (no organization, or one never verified)."""
    organization = user.organization
    if organization is not None and organization.status == organization.Status.SUSPENDED:
        why = "your organization's access to the portal is suspended"
        ask = "the Office of Temporary and Disability Assistance"
    elif not user.is_active and organization is not None and organization.is_active:
        why, ask = "your account was deactivated", "your organization's administrator"
    else:
        return None
    support = settings.PORTAL_SUPPORT_EMAIL
    contact = f"{ask} (portal support: {support})" if support else ask
    return f"Your access is paused: {why}. To have it restored, contact {contact}."


def _typed_username(credentials) -> str:
    return credentials.get("username") or credentials.get("login") or ""


class PortalAccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": SIGN_IN_FAILED,
        "email_password_mismatch": SIGN_IN_FAILED,
        "too_many_login_attempts": (
            "Too many attempts. Wait 15 minutes and try again, or ask your organization's "
            "administrator to release the lock."
        ),
    }

    def pre_authenticate(self, request, **credentials):
        """Refuse the attempt, before the password is looked at, while the username or the
        address must wait. Replaces allauth's own per-login count, which lives in the cache
        and would fail (or forget) when Redis is down."""
        until = signin_delays.wait_until(request, _typed_username(credentials))
        if until is not None:
            raise forms.ValidationError(sign_in_paused_message(until), code=SIGN_IN_PAUSED)

    def is_open_for_signup(self, request):
        # People join through an organization's verified application or an invitation.
        return False

    def authenticate(self, request, **credentials):
        """allauth hands back a person whose password matched even when the backend refused
        them (to show its "account inactive" page). A deactivated person or a member of a
        suspended organization is told so and whom to ask, and the attempt is not counted
        (the password was right; a wrong password is counted whatever the account).
        Any other refused account is a failed sign-in like any other. A right password for
        an account that may act starts its username's count again."""
        user = super().authenticate(request, **credentials)
        if user is not None and not user.may_act:
            paused = access_paused_message(user)
            if paused is not None:
                raise forms.ValidationError(paused, code=ACCESS_PAUSED)
            self.authentication_failed(request, **credentials)
            return None
        if user is not None:
            signin_delays.record_success(_typed_username(credentials))
        return user

    def authentication_failed(self, request, **credentials):
        signin_delays.record_failure(request, _typed_username(credentials))

    def post_login(self, request, user, **kwargs):
        """A person without an authenticator (or without the security key their role needs)
        goes straight to setting one up, which allauth guards with re-authentication. Having
        signed in seconds ago counts as that (for ACCOUNT_REAUTHENTICATION_TIMEOUT), so they
        are not asked for it twice."""
        if not is_mfa_enabled(user) or (security_key_required(user) and not has_security_key(user)):
            record_authentication(request, user, method="password", reauthenticated=True)
        return super().post_login(request, user, **kwargs)


class PortalMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted with the field-encryption key, not stored in the clear."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right. Enter the code your app shows now.",
        "cannot_delete_authenticator": (
            "Every account needs its authenticator app, so it cannot be turned off. If you "
            "changed phones, set up the new one from your old one, or ask an administrator."
        ),
    }

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context="mfa.authenticator")

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context="mfa.authenticator")

    def get_totp_label(self, user) -> str:
        # Shown in the person's authenticator app: the username, not their e-mail address.
        return user.get_username()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # MFA is mandatory (ASVS V6.3.3): the app cannot be removed, only replaced by an
        # administrator after checking who is asking (V6.4.4).
        return authenticator.type != Authenticator.Type.TOTP

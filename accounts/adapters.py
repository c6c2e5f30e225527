from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled

from referral_portal import crypto

# One message for an unknown username, a wrong password, and a right password for an account
# that cannot sign in (deactivated, or its organization not verified): no answer tells anyone
# whether an account exists (ASVS V6.3.8).
SIGN_IN_FAILED = (
    "The username or password is not right. Check both and try again. After 5 failed "
    "attempts, signing in with this username is paused for 15 minutes."
)


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

    def is_open_for_signup(self, request):
        # People join through an organization's verified application or an invitation.
        return False

    def authenticate(self, request, **credentials):
        """allauth hands back a person whose password matched even when the backend refused
        them (to show its "account inactive" page). Here that is a failed sign-in like any
        other: the backend's refusal already counted as a failure for django-axes."""
        user = super().authenticate(request, **credentials)
        if user is not None and not user.may_act:
            return None
        return user

    def post_login(self, request, user, **kwargs):
        """A person without an authenticator goes straight to setting one up, which allauth
        guards with re-authentication. Having typed the password seconds ago counts as that
        (for ACCOUNT_REAUTHENTICATION_TIMEOUT), so they are not asked for it twice."""
        if not is_mfa_enabled(user):
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

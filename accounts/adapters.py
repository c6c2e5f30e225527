from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from referral_portal import crypto


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # People join through an organization's verified application or an invitation.
        return False


class PortalMFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted with the field-encryption key, not stored in the clear."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text, context="mfa.authenticator")

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text, context="mfa.authenticator")

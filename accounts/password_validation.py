from django.core.exceptions import ValidationError

from referral_portal import crypto

# Words anyone guessing a password for this portal would try first (ASVS V6.1.2).
CONTEXT_WORDS = (
    "trafficking",
    "referral",
    "portal",
    "newyork",
    "nystate",
    "otda",
    "dcjs",
    "rhtp",
    "victim",
    "confirmation",
    "password",
)


class ContextWordValidator:
    def validate(self, password, user=None):
        squashed = crypto.normalize(password).replace(" ", "")
        found = [word for word in CONTEXT_WORDS if word in squashed]
        if found:
            raise ValidationError(
                "Your password contains a word that is easy to guess here (%(word)s). "
                "Try a phrase of several unrelated words.",
                code="password_context_word",
                params={"word": found[0]},
            )

    def get_help_text(self):
        return "It cannot contain the names of this portal or its agencies."


class MaximumLengthValidator:
    max_length = 256

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                "Your password can be at most %(max)d characters.",
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return f"Up to {self.max_length} characters; spaces and any symbols are welcome."

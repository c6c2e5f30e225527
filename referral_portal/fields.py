"""Model fields whose values are encrypted at rest with referral_portal.crypto (AES-256-GCM).

The database column is text holding "v1:<key id>:<base64 nonce+ciphertext>"; the associated
data is "<db_table>.<column>", so a value copied into another column does not decrypt. An empty
value is stored as "" (and a missing date as NULL): that a field is blank is not a secret, and
it keeps "is anything filled in" checks cheap.

No lookups are allowed on these fields except `isnull`: comparing ciphertext is meaningless
(every encryption uses a fresh nonce), and a lookup that silently matched nothing would hide
bugs. Use a blind index column (crypto.blind_index) to find equal values.
"""

import datetime

from django.core import checks
from django.db import models

from . import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})


class EncryptedFieldMixin:
    encrypted = True

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return "text"

    @property
    def encryption_context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def get_lookup(self, lookup_name):
        if lookup_name not in ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name):
        return None

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index:
            errors.append(
                checks.Error(
                    "Encrypted fields cannot be unique or indexed; use a blind index.",
                    obj=self,
                    id="referral_portal.E101",
                )
            )
        return errors

    # Plaintext <-> Python value: text fields use the string itself; dates override these.
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_python_value()
        return self.from_plaintext(crypto.decrypt(value, context=self.encryption_context))

    def empty_python_value(self):
        return ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return None
        text = self.to_plaintext(value)
        if text == "":
            return ""
        return crypto.encrypt(text, context=self.encryption_context)

    def get_db_prep_value(self, value, connection, prepared=False):
        # Skip the parent's adapters (a date adapter would choke on ciphertext).
        if not prepared:
            value = self.get_prep_value(value)
        return value

    def get_db_prep_save(self, value, connection):
        return self.get_db_prep_value(value, connection, prepared=False)


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """Validated like a CharField (max_length applies to the plaintext); stored as text."""


class EncryptedDateField(EncryptedFieldMixin, models.DateField):
    def to_plaintext(self, value) -> str:
        return value.isoformat()

    def from_plaintext(self, text: str):
        return datetime.date.fromisoformat(text)

    def empty_python_value(self):
        return None

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)


def encrypted_fields_of(model) -> list[models.Field]:
    return [
        field for field in model._meta.concrete_fields if isinstance(field, EncryptedFieldMixin)
    ]

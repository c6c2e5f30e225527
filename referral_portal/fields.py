"""Model fields whose values are encrypted at rest with referral_portal.crypto (AES-256-GCM).

The database column is text holding "v2:<key id>:<base64 nonce+ciphertext>"; the associated
data is "<db_table>.<column>.<public id of the row>", so a value copied into another column, or
into the same column of another row, does not decrypt there (crypto.DecryptionError). Every
model with an encrypted field therefore has a unique `public_id` (the check below says so).
Values written before that binding ("v1:", associated data "<db_table>.<column>") are read while
FIELD_ENCRYPTION_ACCEPT_V1 is on; `manage.py reencrypt_fields` rewrites them as "v2:".

An empty value is stored as "" (and a missing date as NULL): that a field is blank is not a
secret, and it keeps "is anything filled in" checks cheap.

How the row reaches the cipher: the database hands a field its column, never its row. So
`from_db_value` keeps the stored string as it is, wrapped in `Sealed`; the model attribute
(`SealedAttribute`) decrypts it on first access with the instance's public id, and `pre_save`
encrypts with the instance being saved. A value written any other way has no row to be bound
to: `QuerySet.update()` and `bulk_update()` may only blank an encrypted field ("" or None, as
the retention purge does); any other value raises `UnboundWrite`. For the same reason
`values()` and `values_list()` on an encrypted field give `Sealed` objects, not plaintext: load
instances instead.

No lookups are allowed on these fields except `isnull`: comparing ciphertext is meaningless
(every encryption uses a fresh nonce), and a lookup that silently matched nothing would hide
bugs. Use a blind index column (crypto.blind_index) to find equal values.
"""

import datetime

from django.conf import settings
from django.core import checks
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import crypto

ALLOWED_LOOKUPS = frozenset({"isnull"})
ROW_ID = "public_id"


class UnboundWrite(Exception):
    """A non-empty value written without its row (QuerySet.update, bulk_update)."""


class Sealed:
    """A stored value not yet decrypted. Never shows its content: it is ciphertext anyway, and
    printing it in a page would hide the bug that put it there."""

    __slots__ = ("stored",)

    def __init__(self, stored: str):
        self.stored = stored

    def __eq__(self, other):
        return isinstance(other, Sealed) and other.stored == self.stored

    def __hash__(self):
        return hash(self.stored)

    def __repr__(self):
        return "<Sealed>"

    __str__ = __repr__


class SealedAttribute(DeferredAttribute):
    """The model attribute of an encrypted field: decrypts on first access, with the row."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = self.field.unseal(value.stored, instance)
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):
        # Defining __set__ makes this a data descriptor, so reads come through __get__ even
        # when the value is already in the instance's __dict__ (where DeferredAttribute is
        # bypassed).
        instance.__dict__[self.field.attname] = value


class EncryptedFieldMixin:
    encrypted = True
    descriptor_class = SealedAttribute

    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return "text"

    @property
    def encryption_context(self) -> str:
        """The associated data of "v1:" values: the column only."""
        return f"{self.model._meta.db_table}.{self.column}"

    def row_context(self, public_id) -> str:
        """The associated data of "v2:" values: the column and the row."""
        return f"{self.encryption_context}.{public_id}"

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
        row_id = next((f for f in self.model._meta.fields if f.name == ROW_ID), None)
        if (row_id is None or not row_id.unique) and not _is_history_copy(self.model):
            errors.append(
                checks.Error(
                    f"A model with an encrypted field needs a unique {ROW_ID!r}: each value "
                    "is bound to its row's public id.",
                    obj=self,
                    id="referral_portal.E102",
                )
            )
        return errors

    # Plaintext <-> Python value: text fields use the string itself; dates override these.
    def to_plaintext(self, value) -> str:
        return str(value)

    def from_plaintext(self, text: str):
        return text

    def empty_python_value(self):
        return ""

    # --- reading ---------------------------------------------------------------------------
    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_python_value()
        return Sealed(value)

    def decrypt_stored(self, stored: str, public_id) -> str:
        """The plaintext of a stored value of the row with `public_id` (any format still read);
        crypto.DecryptionError if it does not belong there."""
        version = crypto.version_of(stored)
        if version == crypto.ROW_BOUND:
            return crypto.decrypt(stored, context=self.row_context(public_id), version=version)
        if version == crypto.PREFIX and settings.FIELD_ENCRYPTION_ACCEPT_V1:
            return crypto.decrypt(stored, context=self.encryption_context, version=version)
        raise crypto.DecryptionError(f"{self.encryption_context}: format not accepted")

    def unseal(self, stored: str, instance):
        public_id = getattr(instance, ROW_ID)
        try:
            return self.from_plaintext(self.decrypt_stored(stored, public_id))
        except crypto.DecryptionError as error:
            # Ids only: which column of which row, never the value.
            raise crypto.DecryptionError(
                f"{self.encryption_context} of {public_id} could not be decrypted"
            ) from error

    # --- writing ---------------------------------------------------------------------------
    def seal(self, text: str, public_id) -> str:
        return crypto.encrypt(text, context=self.row_context(public_id), version=crypto.ROW_BOUND)

    def pre_save(self, model_instance, add):
        # Reading the attribute decrypts a loaded value, so what is written is always sealed
        # for this instance's row (a copied instance with a new public id gets its own).
        value = getattr(model_instance, self.attname)
        if value is None:
            return None
        text = self.to_plaintext(value)
        if text == "":
            return ""
        return Sealed(self.seal(text, getattr(model_instance, ROW_ID)))

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return value.stored
        value = super().get_prep_value(value)
        if value is None:
            return None
        text = self.to_plaintext(value)
        if text == "":
            return ""
        raise UnboundWrite(
            f"{self.encryption_context}: encrypted values are written through save(), which "
            "binds them to their row; QuerySet.update() and bulk_update() may only blank them."
        )

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


def _is_history_copy(model) -> bool:
    """A pghistory event model: it copies the ciphertext (and the public id, not unique there)
    as stored, and its table differs, so the copy never decrypts anyway."""
    from pghistory.models import Event

    return issubclass(model, Event)


def encrypted_fields_of(model) -> list[models.Field]:
    return [
        field for field in model._meta.concrete_fields if isinstance(field, EncryptedFieldMixin)
    ]

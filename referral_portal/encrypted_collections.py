"""An encrypted list of choice values: what an ArrayField of choices would hold, sealed.

The list is stored as JSON inside the ciphertext (the column is text, like every encrypted
field); an empty list is stored as "", as an empty string is for the other encrypted fields.
Each item must be one of `item_choices`: model validation checks the items one by one (a
field's own `choices` would compare the whole list), and the default form field is a multiple
choice over them. No lookups but `isnull`, as for every encrypted field: filter in Python.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .fields import EncryptedFieldMixin


class EncryptedChoiceListField(EncryptedFieldMixin, models.TextField):
    def __init__(self, *args, item_choices=(), **kwargs):
        # An enumeration (TextChoices) or (value, label) pairs; kept as pairs for migrations.
        self.item_choices = [tuple(pair) for pair in getattr(item_choices, "choices", item_choices)]
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def to_python(self, value):
        if value is None or isinstance(value, list):
            return value
        if isinstance(value, str):
            return json.loads(value) if value else []
        return list(value)

    def to_plaintext(self, value) -> str:
        return json.dumps(list(value)) if value else ""

    def from_plaintext(self, text: str):
        return json.loads(text)

    def empty_python_value(self):
        return []

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        allowed = {str(choice) for choice, _ in self.item_choices}
        for item in value or []:
            if item not in allowed:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self,
            form_class=forms.MultipleChoiceField,
            **{"choices": self.item_choices, **kwargs},
        )

"""JSON in, the pages' own forms for the rules.

The API declares no validation rule of its own: a request's JSON is checked for shape (known
field names, JSON types) against the form's fields, turned into the data the form expects,
and validated by that form, whose messages come back as field errors. So the wizard's steps,
the withdrawal and answer forms and the outcome form decide for the API exactly as they do
for the pages. The same field list generates the OpenAPI description of each body
(`serializer_for`), so the schema cannot drift from the forms either."""

from django import forms
from rest_framework import serializers

from referral_portal.models import County

TYPE_ERROR = {
    str: "Send a string.",
    bool: "Send true or false.",
    int: "Send a whole number.",
    list: "Send a list of strings.",
}


def _json_type(field: forms.Field):
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return bool
    if isinstance(field, forms.IntegerField):
        return int
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return list
    return str


def _is_county(field: forms.Field) -> bool:
    return (
        isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, forms.ModelMultipleChoiceField)
        and field.queryset.model is County
    )


def _type_ok(value, expected) -> bool:
    if value is None:
        return expected is not list
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if expected is list:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, expected)


def shape_errors(fields: dict[str, forms.Field], data: dict) -> dict[str, list[str]]:
    """Unknown names and wrong JSON types, before any form sees the data."""
    errors = {}
    for name, value in data.items():
        if name not in fields:
            errors[name] = ["Unknown field."]
        elif not _type_ok(value, _json_type(fields[name])):
            errors[name] = [TYPE_ERROR[_json_type(fields[name])]]
    return errors


def _county_pk(name):
    return County.objects.filter(name__iexact=name.strip()).values_list("pk", flat=True).first()


def form_data(fields: dict[str, forms.Field], data: dict) -> dict:
    """JSON values in the shape a bound form reads. Counties are named (\"Albany\"); a name
    that is no county becomes a value the form refuses with its own message."""
    converted = {}
    for name, value in data.items():
        field = fields[name]
        if value is None:
            converted[name] = None  # cleared: the form reads an absent field as empty
        elif _is_county(field):
            converted[name] = _county_pk(value) or "unknown"
        elif isinstance(field, forms.ModelMultipleChoiceField) and field.queryset.model is County:
            converted[name] = [_county_pk(item) or "unknown" for item in value]
        else:
            converted[name] = value
    return converted


def errors_of(form) -> dict[str, list[str]]:
    return {name: list(messages) for name, messages in form.errors.items()}


# --- the OpenAPI description, from the same fields ----------------------------------------------
def _schema_field(name: str, field: forms.Field) -> serializers.Field:
    common = {"required": False, "help_text": str(field.label or name), "allow_null": True}
    if _is_county(field):
        return serializers.CharField(**common)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), required=False)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(
            child=serializers.ChoiceField(choices=list(field.choices)), required=False
        )
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(
            min_value=field.min_value, max_value=field.max_value, **common
        )
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.ChoiceField):
        choices = [value for value, _ in field.choices if value != ""]
        return serializers.ChoiceField(choices=choices, **common)
    return serializers.CharField(max_length=field.max_length, allow_blank=True, **common)


def serializer_for(name: str, fields: dict[str, forms.Field]) -> type[serializers.Serializer]:
    """A serializer class that documents (never validates) a body made of these form fields."""
    attrs = {field_name: _schema_field(field_name, f) for field_name, f in fields.items()}
    return type(name, (serializers.Serializer,), attrs)

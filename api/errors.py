"""One shape for every error: {"detail": "..."} and, for bad input, {"errors": {...}} keyed by
field (by step, then field, for a referral that cannot be submitted). Messages name rules,
never the values sent."""

from rest_framework import exceptions
from rest_framework.views import exception_handler


def field_errors(errors) -> exceptions.ValidationError:
    return exceptions.ValidationError(errors)


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = response.data
        if not isinstance(detail, dict):
            detail = {"body": detail}
        response.data = {"detail": "The request has errors.", "errors": detail}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        response.data = {"detail": "Send JSON (Content-Type: application/json)."}
    return response

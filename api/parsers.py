"""The API's only parser: strict JSON, of bounded size.

Every view has a body limit (`max_body_bytes`, API_MAX_BODY_BYTES unless it takes a file):
a larger declared length is refused before anything is read, and at most limit + 1 bytes are
ever read. What is refused, and why a 400 rather than a quiet repair:
- a body that is not UTF-8 JSON, NaN and Infinity, numbers too large to hold, deep nesting;
- a JSON value that is not an object at the top;
- NUL characters anywhere (PostgreSQL cannot store them, and no real text holds them): a
  field error names where.
"""

import json

from django.conf import settings
from rest_framework import exceptions
from rest_framework.parsers import BaseParser

MAX_DEPTH = 10


class BodyTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = "The request body is larger than this endpoint accepts."
    default_code = "too_large"


class FieldErrors(exceptions.ValidationError):
    """400 with {"errors": {field: [messages]}} (api.errors renders it)."""


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed")


def _nul_paths(value, path="", depth=0):
    if depth > MAX_DEPTH:
        raise exceptions.ParseError("The JSON is nested too deeply.")
    if isinstance(value, str):
        if "\x00" in value:
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                yield path or "body"
            else:
                yield from _nul_paths(item, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]" if path else f"[{index}]", depth + 1)


def body_limit(view) -> int:
    return getattr(view, "max_body_bytes", None) or settings.API_MAX_BODY_BYTES


class StrictJSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        limit = body_limit(parser_context.get("view"))
        request = parser_context.get("request")
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            declared = 0
        if declared > limit:
            raise BodyTooLarge()
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise BodyTooLarge()
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError("The body is not valid JSON.") from error
        if not isinstance(data, dict):
            raise FieldErrors({"body": ["Send a JSON object."]})
        nul = sorted(set(_nul_paths(data)))
        if nul:
            raise FieldErrors({path: ["Remove the NUL character."] for path in nul})
        return data

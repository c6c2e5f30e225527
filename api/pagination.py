"""Cursor pagination in time order, for polling: "what is new since my last cursor".

Every page answers `next_cursor`, also when it is empty, so a client stores the last one it got
and asks again later with it. The cursor is opaque (signed: a forged one is a 400) and holds a
time and a row id, never anything personal. Rows are ordered by (time, id), so rows with the
same time are neither skipped nor repeated."""

from django.conf import settings
from django.core import signing
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

SALT = "api.cursor"
PARAMETERS = [
    OpenApiParameter(
        "cursor", OpenApiTypes.STR, description="The next_cursor of the previous page."
    ),
    OpenApiParameter("limit", OpenApiTypes.INT, description="Rows per page, 1 to 100."),
]


def _limit(request) -> int:
    raw = request.query_params.get("limit", "")
    if raw == "":
        return settings.API_PAGE_SIZE
    if not raw.isdigit() or not 1 <= int(raw) <= 100:
        raise exceptions.ValidationError({"limit": ["Send a whole number from 1 to 100."]})
    return int(raw)


def _position(request, field):
    raw = request.query_params.get("cursor", "")
    if not raw:
        return None
    try:
        name, at, pk = signing.loads(raw, salt=SALT)
        moment = parse_datetime(at)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise exceptions.ValidationError({"cursor": ["This cursor is not valid."]}) from error
    if name != field or moment is None or not isinstance(pk, int):
        raise exceptions.ValidationError({"cursor": ["This cursor is not valid."]})
    return moment, pk


def page(request, queryset, *, field: str):
    """(rows, next_cursor) for the rows after the request's cursor, oldest first."""
    limit = _limit(request)
    position = _position(request, field)
    if position is not None:
        at, pk = position
        queryset = queryset.filter(Q(**{f"{field}__gt": at}) | Q(**{field: at, "pk__gt": pk}))
    rows = list(queryset.order_by(field, "pk")[:limit])
    if rows:
        last = rows[-1]
        next_cursor = signing.dumps(
            [field, getattr(last, field).isoformat(), last.pk], salt=SALT, compress=True
        )
    else:
        next_cursor = request.query_params.get("cursor") or None
    return rows, next_cursor
